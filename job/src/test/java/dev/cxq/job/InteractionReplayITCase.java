package dev.cxq.job;

import dev.cxq.job.testing.CollectingSinks;
import dev.cxq.job.testing.InMemoryTables;
import dev.cxq.job.testing.InteractionInputs;
import dev.cxq.job.testing.SharedMiniCluster;
import dev.cxq.job.testing.TopologyReplay;

import org.apache.flink.api.common.RuntimeExecutionMode;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** Interaction metrics, FCR and KPI windows through the production topology, in memory. */
@ExtendWith(SharedMiniCluster.class)
class InteractionReplayITCase {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    @TempDir static Path dir;
    private static Path input;

    @BeforeAll
    static void writeInput() throws Exception {
        input = dir.resolve("interactions.jsonl");
        InteractionInputs.append(input);
    }

    /** As the command line's default: batch, here at parallelism 2. */
    private static void replay(CollectingSinks sinks) throws Exception {
        TopologyReplay.run(input, RuntimeExecutionMode.BATCH, 2, sinks);
    }

    /** metric_value by "interaction/metric_type". */
    private static Map<String, Double> metrics(InMemoryTables db) {
        Map<String, Double> out = new HashMap<>();
        for (Map<String, Object> row : db.rows("computed_metrics")) {
            out.put(
                    row.get("interaction_id") + "/" + row.get("metric_type"),
                    (Double) row.get("metric_value"));
        }
        return out;
    }

    /** metadata->>'status' by "interaction/metric_type" (null where there is none). */
    private static Map<String, String> statuses(InMemoryTables db) throws Exception {
        Map<String, String> out = new HashMap<>();
        for (Map<String, Object> row : db.rows("computed_metrics")) {
            String metadata = (String) row.get("metadata");
            JsonNode status = metadata == null ? null : MAPPER.readTree(metadata).get("status");
            out.put(
                    row.get("interaction_id") + "/" + row.get("metric_type"),
                    status == null || status.isNull() ? null : status.asText());
        }
        return out;
    }

    /** value by "dimension/id/size/metric" of the windows starting at {@code start}. */
    private static Map<String, Double> windows(InMemoryTables db, String start) {
        Map<String, Double> out = new HashMap<>();
        for (Map<String, Object> row : db.rows("kpi_windows")) {
            if (Instant.parse(start).equals(row.get("window_start"))) {
                out.put(
                        row.get("dimension")
                                + "/"
                                + row.get("dimension_id")
                                + "/"
                                + row.get("window_size")
                                + "/"
                                + row.get("metric"),
                        (Double) row.get("value"));
            }
        }
        return out;
    }

    @Test
    void replayWritesInteractionMetricsAndCorrectedWindowsAndASecondReplayChangesNothing()
            throws Exception {
        try (CollectingSinks sinks = new CollectingSinks()) {
            replay(sinks);
            InMemoryTables db = sinks.tables();

            Map<String, Double> m = metrics(db);
            Map<String, String> status = statuses(db);
            // a1: talk 30..90 + 150..240, hold 90..150, wrap 240..270, queue 0..30.
            assertThat(m.get("a1/talk_s")).isEqualTo(150.0);
            assertThat(m.get("a1/hold_s")).isEqualTo(60.0);
            assertThat(m.get("a1/wrap_s")).isEqualTo(30.0);
            assertThat(m.get("a1/queue_wait_s")).isEqualTo(30.0);
            assertThat(m.get("a1/handle_time_s")).isEqualTo(240.0);
            assertThat(m.get("a1/adjusted_aht_s")).isEqualTo(240.0);
            assertThat(m.get("a1/recording_status")).isEqualTo(1.0);
            assertThat(m.get("a1/fcr")).as("callback a3 within 24 h").isEqualTo(0.0);
            // a2: failed recording, handle time intact.
            assertThat(status.get("a2/recording_status")).isEqualTo("failed");
            assertThat(m.get("a2/handle_time_s")).isEqualTo(120.0);
            assertThat(m.get("a2/fcr")).isEqualTo(1.0);
            // a3: platform metrics win; upload 3 h late updated the row.
            assertThat(m.get("a3/handle_time_s")).isEqualTo(170.0);
            assertThat(status.get("a3/recording_status")).isEqualTo("uploaded");
            assertThat(m.get("a3/fcr")).isEqualTo(1.0);
            // a4: IVR self-service (never connected: no handle time), b4: 00:00 in Tokyo.
            assertThat(m).doesNotContainKeys("a4/adjusted_aht_s", "b4/adjusted_aht_s");
            assertThat(m.get("b4/handle_time_s")).isEqualTo(300.0);
            // b1: required, nothing uploaded within 4 h.
            assertThat(status.get("b1/recording_status")).isEqualTo("missing");
            assertThat(m.get("b1/handle_time_s")).isEqualTo(280.0);
            // b2: abandoned in queue.
            assertThat(status.get("b2/interaction_status")).isEqualTo("abandoned");
            assertThat(m.get("b2/interaction_status")).isEqualTo(0.0);
            assertThat(m.get("b2/queue_wait_s")).isEqualTo(60.0);
            // b3: started, then uploaded 3 h late.
            assertThat(status.get("b3/recording_status")).isEqualTo("uploaded");
            // b5: silent after connecting.
            assertThat(status.get("b5/interaction_status")).isEqualTo("partial");

            Map<String, Double> hour = windows(db, "2026-03-09T15:00:00Z");
            assertThat(hour.get("agent/agent-a/PT1H/interactions_completed")).isEqualTo(4.0);
            assertThat(hour.get("agent/agent-a/PT1H/avg_handle_time_s"))
                    .isEqualTo((240.0 + 120 + 170 + 0) / 4);
            assertThat(hour.get("agent/agent-a/PT1H/avg_adjusted_aht_s"))
                    .isEqualTo((240.0 + 120 + 170) / 3);
            assertThat(hour.get("agent/agent-a/PT1H/recording_required")).isEqualTo(3.0);
            assertThat(hour.get("agent/agent-a/PT1H/recording_uploaded")).isEqualTo(2.0);
            assertThat(hour.get("agent/agent-a/PT1H/recording_failed")).isEqualTo(1.0);
            assertThat(hour.get("agent/agent-a/PT1H/recording_pending")).isEqualTo(0.0);
            assertThat(hour.get("agent/agent-a/PT1H/recording_compliance_rate"))
                    .isCloseTo(2.0 / 3, within(1e-9));
            assertThat(hour.get("agent/agent-b/PT1H/interactions_completed")).isEqualTo(3.0);
            assertThat(hour.get("agent/agent-b/PT1H/avg_adjusted_aht_s"))
                    .isEqualTo((280.0 + 300) / 2);
            assertThat(hour.get("agent/agent-b/PT1H/recording_compliance_rate")).isEqualTo(0.5);
            assertThat(hour.get("queue/q-support/PT1H/interactions_completed")).isEqualTo(3.0);
            // a3 ended at 15:13 and was uploaded at 18:13: its 5-minute window was corrected.
            Map<String, Double> a3Window = windows(db, "2026-03-09T15:10:00Z");
            assertThat(a3Window.get("agent/agent-a/PT5M/recording_uploaded")).isEqualTo(1.0);
            assertThat(a3Window.get("agent/agent-a/PT5M/recording_compliance_rate")).isEqualTo(1.0);

            assertThat(db.rows("late_events"))
                    .extracting(row -> row.get("event_id"))
                    .containsOnly("a2-rec-uploaded-18420");

            Map<String, List<String>> first = db.snapshot(Set.of());
            replay(sinks);
            assertThat(sinks.tables().snapshot(Set.of())).isEqualTo(first);
        }
    }
}
