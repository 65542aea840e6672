package dev.cxq.job;

import dev.cxq.job.testing.MediaQualityScenarios;
import dev.cxq.job.testing.ReplayInputs;
import dev.cxq.job.testing.SharedMiniCluster;
import dev.cxq.job.testing.TopologyReplay;

import org.apache.flink.api.common.RuntimeExecutionMode;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The mixed input of {@link ReplayITCase} with the media-quality scenarios through the production
 * topology, in memory, in batch and streaming at parallelism 1 and 2: every table is the same.
 */
@ExtendWith(SharedMiniCluster.class)
class ExecutionModesITCase {

    private static final int SESSIONS = 12;
    private static final int SAMPLES = 30;

    @TempDir static Path dir;

    /** The mixed input and the media-quality scenarios, in one file. */
    private static Path mixedAndQualityScenarios;

    @BeforeAll
    static void writeInput() throws Exception {
        mixedAndQualityScenarios =
                ReplayInputs.writeMixedWithQualityScenarios(dir, SESSIONS, SAMPLES);
    }

    @Test
    void resultsDoNotDependOnExecutionModeOrParallelism() throws Exception {
        Map<String, List<String>> reference = null;
        for (RuntimeExecutionMode mode :
                List.of(RuntimeExecutionMode.BATCH, RuntimeExecutionMode.STREAMING)) {
            for (int parallelism : List.of(1, 2)) {
                // received_at is the wall-clock time of receipt, the one column that may
                // differ.
                Map<String, List<String>> tables =
                        TopologyReplay.run(mixedAndQualityScenarios, mode, parallelism)
                                .snapshot(Set.of("received_at"));
                assertThat(tables.get("session_quality"))
                        .hasSize(SESSIONS + MediaQualityScenarios.SESSIONS.size());
                assertThat(tables.get("quality_alerts")).isNotEmpty();
                assertThat(tables.get("computed_metrics")).isNotEmpty();
                assertThat(tables.get("kpi_windows")).isNotEmpty();
                // Media sessions with agents and queues reach the windows: the equality
                // below covers the media metrics too.
                for (String metric : List.of("avg_mos", "degradation_incidents")) {
                    for (String dimension : List.of("agent", "queue")) {
                        assertThat(tables.get("kpi_windows"))
                                .as("%s per %s", metric, dimension)
                                .anyMatch(
                                        row ->
                                                row.contains("dimension=" + dimension + ",")
                                                        && row.contains("metric=" + metric + ",")
                                                        && !row.contains("value=null"));
                    }
                }
                if (reference == null) {
                    reference = tables;
                } else {
                    assertThat(tables)
                            .as("%s at parallelism %s", mode, parallelism)
                            .isEqualTo(reference);
                }
            }
        }
    }
}
