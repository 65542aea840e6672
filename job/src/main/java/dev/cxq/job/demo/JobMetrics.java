package dev.cxq.job.demo;

import org.apache.flink.api.common.JobID;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the job's own metrics through Flink's REST API ({@code
 * /jobs/<id>/vertices/<vertex>/subtasks/metrics}, summed over subtasks): the counters and gauges
 * the operators register in the {@code cxq} group, the same figures a Prometheus reporter exports.
 */
final class JobMetrics {

    private static final Pattern ALERTS =
            Pattern.compile(".*\\.cxq\\.alert_type\\.([a-z_]+)\\.alerts(Fired|Resolved)$");
    private static final String EVENTS_PARSED = ".cxq.eventsParsed";
    private static final String ACTIVE_SESSIONS = ".cxq.activeSessions";

    /** Rows the {@code kpi_windows} sink's writer received: Flink's own operator metric. */
    private static final String KPI_ROWS = "kpi_windows__Writer.numRecordsIn";

    /**
     * The figures of one poll; alert counts by alert type.
     *
     * @param watermark the event time the {@code kpi_windows} sink has reached (its input
     *     watermark, the lowest over its subtasks), or null before the first watermark
     */
    record Snapshot(
            long eventsParsed,
            long activeSessions,
            Map<String, Long> alertsFired,
            Map<String, Long> alertsResolved,
            long kpiRows,
            Long watermark) {

        long firing(String type) {
            return alertsFired.getOrDefault(type, 0L) - alertsResolved.getOrDefault(type, 0L);
        }
    }

    private final ObjectMapper mapper = new ObjectMapper();
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final URI rest;
    private final JobID job;

    /** Metric ids per vertex id, once the vertex reports every metric it will have. */
    private final Map<String, List<String>> metricIds = new LinkedHashMap<>();

    /** The vertex of the {@code kpi_windows} sink, once discovered. */
    private String kpiVertex;

    JobMetrics(URI rest, JobID job) {
        this.rest = rest;
        this.job = job;
    }

    /**
     * The current figures, or null while the job's metrics are not reported yet (the REST endpoint
     * fetches them from the task managers periodically).
     */
    Snapshot poll() throws IOException, InterruptedException {
        if (!discover()) {
            return null;
        }
        long events = 0;
        long sessions = 0;
        long kpiRows = 0;
        Map<String, Long> fired = new TreeMap<>();
        Map<String, Long> resolved = new TreeMap<>();
        for (Map.Entry<String, List<String>> vertex : metricIds.entrySet()) {
            String ids =
                    URLEncoder.encode(String.join(",", vertex.getValue()), StandardCharsets.UTF_8);
            JsonNode values = get(vertexMetricsPath(vertex.getKey()) + "?agg=sum&get=" + ids);
            for (JsonNode metric : values) {
                String id = metric.path("id").asText();
                long sum = Math.round(metric.path("sum").asDouble());
                Matcher alert = ALERTS.matcher(id);
                if (id.endsWith(EVENTS_PARSED)) {
                    events += sum;
                } else if (id.endsWith(ACTIVE_SESSIONS)) {
                    sessions += sum;
                } else if (id.endsWith(KPI_ROWS)) {
                    kpiRows += sum;
                } else if (alert.matches()) {
                    (alert.group(2).equals("Fired") ? fired : resolved)
                            .merge(alert.group(1), sum, Long::sum);
                }
            }
        }
        return new Snapshot(events, sessions, fired, resolved, kpiRows, watermark());
    }

    /** The lowest input watermark over the subtasks of the {@code kpi_windows} sink, if any. */
    private Long watermark() throws IOException, InterruptedException {
        if (kpiVertex == null) {
            return null;
        }
        long lowest = Long.MAX_VALUE;
        for (JsonNode subtask : get("/jobs/" + job + "/vertices/" + kpiVertex + "/watermarks")) {
            lowest = Math.min(lowest, subtask.path("value").asLong(Long.MIN_VALUE));
        }
        // Long.MIN_VALUE: no watermark yet (Flink's initial value).
        return lowest == Long.MAX_VALUE || lowest == Long.MIN_VALUE ? null : lowest;
    }

    /** Finds the vertices with the cxq metrics; true once parse and session metrics are known. */
    private boolean discover() throws IOException, InterruptedException {
        if (!metricIds.isEmpty()) {
            return true;
        }
        Map<String, List<String>> found = new LinkedHashMap<>();
        boolean parse = false;
        boolean sessions = false;
        for (JsonNode vertex : get("/jobs/" + job).path("vertices")) {
            String vertexId = vertex.path("id").asText();
            List<String> ids = new ArrayList<>();
            for (JsonNode metric : get(vertexMetricsPath(vertexId))) {
                String id = metric.path("id").asText();
                if (id.endsWith(EVENTS_PARSED)) {
                    parse = true;
                    ids.add(id);
                } else if (id.endsWith(ACTIVE_SESSIONS)) {
                    sessions = true;
                    ids.add(id);
                } else if (ALERTS.matcher(id).matches()) {
                    ids.add(id);
                } else if (id.endsWith(KPI_ROWS)) {
                    ids.add(id);
                    kpiVertex = vertexId;
                }
            }
            if (!ids.isEmpty()) {
                found.put(vertexId, ids);
            }
        }
        if (parse && sessions) {
            metricIds.putAll(found);
        }
        return parse && sessions;
    }

    private String vertexMetricsPath(String vertexId) {
        return "/jobs/" + job + "/vertices/" + vertexId + "/subtasks/metrics";
    }

    private JsonNode get(String path) throws IOException, InterruptedException {
        HttpResponse<String> response =
                http.send(
                        HttpRequest.newBuilder(rest.resolve(path))
                                .timeout(Duration.ofSeconds(5))
                                .GET()
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IOException("GET " + path + " answered " + response.statusCode());
        }
        return mapper.readTree(response.body());
    }
}
