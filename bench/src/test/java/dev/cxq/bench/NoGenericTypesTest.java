package dev.cxq.bench;

import dev.cxq.job.CxqPipeline;
import dev.cxq.job.PipelineSettings;
import dev.cxq.job.sink.webhook.WebhookSettings;
import dev.cxq.udf.model.RawRecord;
import dev.cxq.udf.rows.QualityAlert;

import org.apache.flink.api.common.RuntimeExecutionMode;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.connector.source.util.ratelimit.RateLimiterStrategy;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.connector.datagen.source.DataGeneratorSource;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * No record or state type of the topology falls back to Kryo: with generic types disabled, Flink
 * refuses to create a Kryo serializer, at graph building for records and when an operator opens for
 * its state, so the job would fail.
 */
class NoGenericTypesTest {

    /** Two slots: a job at parallelism 2 on the default single slot waits for resources. */
    @RegisterExtension
    static final MiniClusterExtension CLUSTER =
            new MiniClusterExtension(
                    new MiniClusterResourceConfiguration.Builder()
                            .setNumberTaskManagers(1)
                            .setNumberSlotsPerTaskManager(2)
                            .build());

    @Test
    @Timeout(120)
    void everyRecordAndStateTypeHasAFlinkSerializer() throws Exception {
        Configuration conf = new Configuration();
        conf.set(PipelineOptions.GENERIC_TYPES, false);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        env.setRuntimeMode(RuntimeExecutionMode.STREAMING);
        env.setParallelism(2);
        // Long enough for sessions to end, incidents to fire and KPI windows to close.
        SampleStream stream = new SampleStream(40, BenchMain.SEED);
        long count = stream.count(2 * SampleStream.LIFE_STEPS);
        CollectingSink<QualityAlert> alerts = new CollectingSink<>("no-generic-types-alerts");
        new CxqPipeline(
                        new DataGeneratorSource<>(
                                stream,
                                count,
                                RateLimiterStrategy.noOp(),
                                TypeInformation.of(RawRecord.class)),
                        new DiscardingCxqSinks(alerts),
                        PipelineSettings.defaults(),
                        WebhookSettings.none())
                .build(env);

        env.execute("cxq without generic types");

        assertThat(alerts.rows()).isNotEmpty();
    }
}
