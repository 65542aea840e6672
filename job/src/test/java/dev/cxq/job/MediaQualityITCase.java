package dev.cxq.job;

import dev.cxq.job.testing.CollectingSinks;
import dev.cxq.job.testing.InMemoryTables;
import dev.cxq.job.testing.MediaQualityScenarios;
import dev.cxq.job.testing.SharedMiniCluster;
import dev.cxq.job.testing.TopologyReplay;

import org.apache.flink.api.common.RuntimeExecutionMode;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static dev.cxq.job.testing.MediaQualityScenarios.ts;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** The media-quality scenarios through the production topology, in memory. */
@ExtendWith(SharedMiniCluster.class)
class MediaQualityITCase {

    @TempDir static Path dir;
    private static Path input;

    @BeforeAll
    static void writeInput() throws Exception {
        input = dir.resolve("quality-scenarios.jsonl");
        MediaQualityScenarios.write(input);
    }

    private static void replay(CollectingSinks sinks) throws Exception {
        TopologyReplay.run(input, RuntimeExecutionMode.STREAMING, 2, sinks);
    }

    /** One alert row, the columns the scenarios decide. */
    private record Alert(
            String type,
            String severity,
            String state,
            String startedAt,
            String firedAt,
            String resolvedAt,
            String reason) {}

    private static Alert alert(
            String type, String severity, long started, long fired, long resolved, String reason) {
        return new Alert(type, severity, "resolved", ts(started), ts(fired), ts(resolved), reason);
    }

    @Test
    void everyScenarioEndsInTheTablesAsTheContractSays() throws Exception {
        try (CollectingSinks sinks = new CollectingSinks()) {
            replay(sinks);
            InMemoryTables tables = sinks.tables();

            Map<String, List<Alert>> alerts = new HashMap<>();
            Map<String, Double> estimatedMos = new HashMap<>();
            List<Map<String, Object>> alertRows = new ArrayList<>(tables.rows("quality_alerts"));
            alertRows.sort(
                    Comparator.comparing(
                                    (Map<String, Object> row) -> (String) row.get("session_id"))
                            .thenComparing(row -> (Instant) row.get("started_at")));
            for (Map<String, Object> row : alertRows) {
                alerts.computeIfAbsent((String) row.get("session_id"), k -> new ArrayList<>())
                        .add(
                                new Alert(
                                        (String) row.get("alert_type"),
                                        (String) row.get("severity"),
                                        (String) row.get("state"),
                                        instant(row, "started_at"),
                                        instant(row, "fired_at"),
                                        instant(row, "resolved_at"),
                                        (String) row.get("reason")));
                if (Boolean.TRUE.equals(row.get("mos_estimated"))) {
                    estimatedMos.put((String) row.get("session_id"), (Double) row.get("mos"));
                }
                assertThat(row.get("agent_id")).isEqualTo("agent-q");
                assertThat(row.get("queue_id")).isEqualTo("queue-q");
            }
            assertThat(alerts.get("q-dip")).as("transient dip").isNull();
            assertThat(alerts.get("q-flap")).as("flapping").isNull();
            assertThat(alerts.get("q-critical"))
                    .containsExactly(alert("degradation", "critical", 10, 40, 105, "mos<3.5"));
            assertThat(alerts.get("q-duplicate")).isEqualTo(alerts.get("q-critical"));
            assertThat(alerts.get("q-video"))
                    .containsExactly(
                            alert("degradation", "high", 5, 35, 95, "video_bitrate_kbps<500"));
            assertThat(alerts.get("q-loss"))
                    .containsExactly(alert("degradation", "high", 5, 35, 95, "packet_loss_pct>2"));
            assertThat(alerts.get("q-long"))
                    .containsExactly(alert("degradation", "critical", 5, 35, 640, "mos<3.5"));
            assertThat(alerts.get("q-gap"))
                    .containsExactly(
                            alert(
                                    "media_gap",
                                    "warning",
                                    30,
                                    45,
                                    60,
                                    "no media sample for more than 15 s"));
            assertThat(alerts.get("q-disconnect"))
                    .containsExactly(
                            alert(
                                    "disconnected",
                                    "warning",
                                    20,
                                    20,
                                    35,
                                    "peer_state=disconnected"));
            // Degraded until the session's end at 61 s: the incident resolves then.
            assertThat(alerts.get("q-emodel"))
                    .containsExactly(alert("degradation", "critical", 5, 35, 61, "mos<3.5"));
            assertThat(estimatedMos).containsOnlyKeys("q-emodel");
            assertThat(estimatedMos.get("q-emodel")).isCloseTo(2.95758, within(1e-4));

            Map<String, double[]> quality = new HashMap<>();
            for (Map<String, Object> row : tables.rows("session_quality")) {
                quality.put(
                        (String) row.get("session_id"),
                        new double[] {
                            (Long) row.get("samples"),
                            (Double) row.get("degraded_seconds"),
                            (Integer) row.get("incidents")
                        });
            }
            assertThat(quality).containsOnlyKeys(MediaQualityScenarios.SESSIONS);
            assertThat(quality.get("q-dip")).containsExactly(24, 10, 0);
            assertThat(quality.get("q-critical")).containsExactly(30, 65, 1);
            assertThat(quality.get("q-duplicate")).containsExactly(quality.get("q-critical"));
            assertThat(quality.get("q-long")).containsExactly(140, 605, 1);
            assertThat(quality.get("q-flap")[2]).isZero();
            // 0 s to 30 s and 60 s to 90 s.
            assertThat(quality.get("q-gap")).containsExactly(14, 0, 0);

            assertMediaKpiWindows(tables);

            Map<String, List<String>> first = tables.snapshot(Set.of());
            replay(sinks);
            assertThat(sinks.tables().snapshot(Set.of())).as("second replay").isEqualTo(first);
        }
    }

    private static String instant(Map<String, Object> row, String column) {
        Instant t = (Instant) row.get(column);
        return t == null ? null : t.toString();
    }

    /** A nullable number as JDBC's {@code getDouble} reads it: 0 for SQL NULL. */
    private static double number(Map<String, Object> row, String column) {
        Number value = (Number) row.get(column);
        return value == null ? 0 : value.doubleValue();
    }

    /**
     * avg_mos and degradation_incidents of agent-q and queue-q, every scenario's session. In the
     * 5-minute window from 15:10 only q-long ends (at 701 s): 121 samples of MOS 2.0 up to 605 s,
     * then 19 of 4.3, one incident. The hour holds every session: its figures must be the
     * sample-weighted MOS and the incident sum of the session_quality rows.
     */
    private static void assertMediaKpiWindows(InMemoryTables tables) {
        double weightedMos = 0;
        long mosSamples = 0;
        long incidents = 0;
        long sessions = 0;
        for (Map<String, Object> row : tables.rows("session_quality")) {
            weightedMos += number(row, "avg_mos") * (Long) row.get("mos_samples");
            mosSamples += (Long) row.get("mos_samples");
            incidents += (Integer) row.get("incidents");
            sessions++;
            assertThat(row.get("queue_id")).isEqualTo("queue-q");
        }
        assertThat(sessions).isEqualTo(MediaQualityScenarios.SESSIONS.size());
        for (String dimension : List.of("agent/agent-q", "queue/queue-q")) {
            Map<String, double[]> w = mediaWindows(tables, dimension);
            assertThat(w.get("15:10/PT5M/avg_mos"))
                    .as(dimension)
                    .containsExactly(new double[] {(121 * 2.0 + 19 * 4.3) / 140, 1}, within(1e-9));
            assertThat(w.get("15:10/PT5M/degradation_incidents")).containsExactly(1, 1);
            assertThat(w.get("15:00/PT1H/avg_mos"))
                    .containsExactly(
                            new double[] {weightedMos / mosSamples, sessions}, within(1e-9));
            assertThat(w.get("15:00/PT1H/degradation_incidents"))
                    .as("q-critical, q-duplicate, q-video, q-loss, q-long, q-emodel")
                    .containsExactly(6, sessions);
            assertThat(incidents).isEqualTo(6);
        }
    }

    /** {value, count} by "HH:MM/size/metric" of the media metrics of one dimension/id. */
    private static Map<String, double[]> mediaWindows(InMemoryTables tables, String dimension) {
        String[] parts = dimension.split("/");
        DateTimeFormatter hourMinute =
                DateTimeFormatter.ofPattern("HH:mm").withZone(ZoneOffset.UTC);
        Map<String, double[]> out = new HashMap<>();
        for (Map<String, Object> row : tables.rows("kpi_windows")) {
            if (List.of("avg_mos", "degradation_incidents").contains(row.get("metric"))
                    && parts[0].equals(row.get("dimension"))
                    && parts[1].equals(row.get("dimension_id"))) {
                out.put(
                        hourMinute.format((Instant) row.get("window_start"))
                                + "/"
                                + row.get("window_size")
                                + "/"
                                + row.get("metric"),
                        new double[] {number(row, "value"), (Long) row.get("count")});
            }
        }
        return out;
    }
}
