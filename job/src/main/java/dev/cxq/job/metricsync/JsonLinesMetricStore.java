package dev.cxq.job.metricsync;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The metric store over the JSON Lines output ({@code <dir>/computed_metrics/part-*}): the rows of
 * the committed part files, the highest {@code row_version} per key winning as the JDBC upsert's
 * does. The versions the endpoint accepted are kept in memory (a demo run's worth), the audit goes
 * to the debug log. Committed part files never change, so each is read once; hidden in-progress
 * files are not committed yet and are skipped.
 */
public final class JsonLinesMetricStore implements MetricStore {

    private static final Logger LOG = LoggerFactory.getLogger(JsonLinesMetricStore.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Comparator<MetricRow> OLDEST_FIRST =
            Comparator.comparing(MetricRow::timestamp)
                    .thenComparing(MetricRow::interactionId)
                    .thenComparing(MetricRow::metricType);

    private final Path table;
    private final int metricVersion;
    private final Set<String> metricTypes;
    private final Set<Path> read = new HashSet<>();

    /** The newest version of each selected row, by {@link MetricRow#key()}. */
    private final Map<String, MetricRow> newest = new HashMap<>();

    /** The row version the endpoint accepted, by key. */
    private final Map<String, Long> synced = new HashMap<>();

    /**
     * @param outputDir the JSON Lines output directory (the one holding {@code computed_metrics/})
     */
    public JsonLinesMetricStore(Path outputDir, MetricSyncSettings settings) {
        this.table = outputDir.resolve("computed_metrics");
        this.metricVersion = settings.metricVersion();
        this.metricTypes = Set.copyOf(settings.metricTypes());
    }

    /** The files carry no syncing signal: the demo's inputs are always live. */
    @Override
    public SyncHorizon horizon() {
        return null;
    }

    @Override
    public long heldBack(SyncHorizon horizon) {
        return 0;
    }

    /** Without a horizon ({@link #horizon()} is always null), every pending row. */
    @Override
    public List<MetricRow> pending(int limit, SyncHorizon horizon) {
        readNewFiles();
        return newest.values().stream()
                .filter(row -> synced.getOrDefault(row.key(), -1L) < row.rowVersion())
                .sorted(OLDEST_FIRST)
                .limit(limit)
                .toList();
    }

    @Override
    public void markSynced(List<MetricRow> rows) {
        for (MetricRow row : rows) {
            synced.merge(row.key(), row.rowVersion(), Math::max);
        }
    }

    @Override
    public void log(SyncCall call) {
        LOG.debug(
                "Metric sync batch {} attempt {}: {} rows, status {}{}",
                call.batchId(),
                call.attempt(),
                call.rows().size(),
                call.httpStatus(),
                call.error() == null ? "" : ", " + call.error());
    }

    private void readNewFiles() {
        if (!Files.isDirectory(table)) {
            return;
        }
        try (Stream<Path> files = Files.list(table)) {
            for (Path file :
                    files.filter(f -> f.getFileName().toString().startsWith("part-"))
                            .filter(f -> !read.contains(f))
                            .sorted()
                            .toList()) {
                for (String line : Files.readAllLines(file)) {
                    if (!line.isBlank()) {
                        add(JSON.readTree(line));
                    }
                }
                read.add(file);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + table, e);
        }
    }

    private void add(JsonNode r) {
        String type = r.path("metric_type").asText();
        if (r.path("metric_version").asInt() != metricVersion
                || !metricTypes.isEmpty() && !metricTypes.contains(type)) {
            return;
        }
        MetricRow row =
                new MetricRow(
                        r.path("interaction_id").asText(),
                        type,
                        r.path("metric_version").asInt(),
                        Instant.parse(r.path("timestamp_utc").asText()),
                        r.path("agent_id").isNull() ? null : r.path("agent_id").asText(null),
                        r.path("metric_value").isNumber()
                                ? r.path("metric_value").asDouble()
                                : null,
                        r.path("metadata"),
                        r.path("row_version").asLong());
        newest.merge(row.key(), row, (a, b) -> a.rowVersion() >= b.rowVersion() ? a : b);
    }
}
