package dev.cxq.job.metricsync;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.List;
import java.util.Locale;

/**
 * Where metrics are pushed, with each platform's request shape and batch limit (docs/metric-sync.md
 * has the field mapping).
 */
public enum MetricSyncPlatform {
    /**
     * Genesys Cloud custom report data: at most 100 records per request, {@code overwrite: true}.
     */
    GENESYS("genesys", 100, "/api/v2/analytics/reporting/customdata/cxq_metrics") {
        @Override
        String payload(List<MetricRow> rows, String batchId) {
            ObjectNode body = JSON.createObjectNode();
            // Replace each record with the same id: a re-sent row overwrites its older value.
            body.put("overwrite", true);
            ArrayNode records = body.putArray("records");
            for (MetricRow row : rows) {
                ObjectNode record = records.addObject();
                record.put("id", row.key());
                record.put("interactionId", row.interactionId());
                record.put("metricType", row.metricType());
                record.put("metricVersion", row.metricVersion());
                record.put("agentId", row.agentId());
                record.put("timestamp", row.timestamp().toString());
                record.put("value", row.value());
                record.put("rowVersion", row.rowVersion());
                record.set("metadata", row.metadata());
            }
            return body.toString();
        }
    },
    /** NICE CXone data import: at most 10,000 rows per batch, upserted by the key columns. */
    NICE("nice", 10_000, "/data-import/v1/datasets/cxq_metrics/batches") {
        @Override
        String payload(List<MetricRow> rows, String batchId) {
            ObjectNode body = JSON.createObjectNode();
            body.put("batchId", batchId);
            ArrayNode keyColumns = body.putArray("keyColumns");
            KEY_COLUMNS.forEach(keyColumns::add);
            ArrayNode columns = body.putArray("columns");
            NICE_COLUMNS.forEach(columns::add);
            ArrayNode table = body.putArray("rows");
            for (MetricRow row : rows) {
                table.addArray()
                        .add(row.interactionId())
                        .add(row.metricType())
                        .add(row.metricVersion())
                        .add(row.agentId())
                        .add(row.timestamp().toString())
                        .add(row.value())
                        .add(row.rowVersion())
                        // A tabular import: the metadata object travels as its JSON text.
                        .add(row.metadata().toString());
            }
            return body.toString();
        }
    };

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> KEY_COLUMNS =
            List.of("interactionId", "metricType", "metricVersion");
    private static final List<String> NICE_COLUMNS =
            List.of(
                    "interactionId",
                    "metricType",
                    "metricVersion",
                    "agentId",
                    "timestamp",
                    "value",
                    "rowVersion",
                    "metadata");

    private final String wireName;
    private final int maxBatch;
    private final String defaultPath;

    MetricSyncPlatform(String wireName, int maxBatch, String defaultPath) {
        this.wireName = wireName;
        this.maxBatch = maxBatch;
        this.defaultPath = defaultPath;
    }

    /** The request body of one batch. */
    abstract String payload(List<MetricRow> rows, String batchId);

    public String wireName() {
        return wireName;
    }

    /** The most rows the platform accepts in one request. */
    public int maxBatch() {
        return maxBatch;
    }

    /** The data endpoint's path when none is configured. */
    public String defaultPath() {
        return defaultPath;
    }

    /** The platform named {@code genesys} or {@code nice}. */
    public static MetricSyncPlatform of(String name) {
        for (MetricSyncPlatform platform : values()) {
            if (platform.wireName.equals(name == null ? null : name.toLowerCase(Locale.ROOT))) {
                return platform;
            }
        }
        throw new IllegalArgumentException("unknown platform: " + name);
    }
}
