package dev.cxq.job;

import dev.cxq.job.testing.CollectingSinks;
import dev.cxq.job.testing.ReplayInputs;
import dev.cxq.job.testing.SharedMiniCluster;
import dev.cxq.job.testing.TopologyReplay;

import org.apache.flink.api.common.RuntimeExecutionMode;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.ExecutionOptions;
import org.apache.flink.configuration.PipelineOptions;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * No record or state type of the topology falls back to Kryo: with generic types disabled, Flink
 * refuses to create a Kryo serializer, at graph building for records and when an operator opens for
 * its state, so the job would fail.
 */
@ExtendWith(SharedMiniCluster.class)
class NoGenericTypesITCase {

    @TempDir Path dir;

    @Test
    @Timeout(120)
    void everyRecordAndStateTypeHasAFlinkSerializer() throws Exception {
        // Every kind of event, bad lines and late ones: sessions end, incidents fire, interactions
        // complete and KPI windows close, so every function touches its state.
        Path input = ReplayInputs.writeMixedWithQualityScenarios(dir, 12, 30);

        Configuration conf = new Configuration();
        conf.set(PipelineOptions.GENERIC_TYPES, false);
        conf.set(ExecutionOptions.RUNTIME_MODE, RuntimeExecutionMode.STREAMING);
        try (CollectingSinks sinks = new CollectingSinks()) {
            TopologyReplay.run(input, conf, SharedMiniCluster.PARALLELISM, sinks);

            for (String table :
                    new String[] {
                        "quality_alerts",
                        "session_quality",
                        "computed_metrics",
                        "kpi_windows",
                        "rejected_events",
                        "late_events"
                    }) {
                assertThat(sinks.tables().writes(table)).as(table).isNotEmpty();
            }
        }
    }
}
