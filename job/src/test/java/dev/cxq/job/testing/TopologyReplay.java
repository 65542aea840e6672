package dev.cxq.job.testing;

import dev.cxq.job.CxqPipeline;
import dev.cxq.job.cli.Defaults;
import dev.cxq.job.sink.webhook.WebhookSettings;
import dev.cxq.job.source.ReplaySource;

import org.apache.flink.api.common.RuntimeExecutionMode;
import org.apache.flink.configuration.BatchExecutionOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.ExecutionOptions;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.util.TestStreamEnvironment;

import java.nio.file.Path;

/**
 * A replay of a JSON Lines file through the production topology ({@link CxqPipeline}, the default
 * settings of the command line) on the {@link SharedMiniCluster}, into {@link CollectingSinks}: for
 * tests of what the topology computes, which need neither the command line nor a database.
 */
public final class TopologyReplay {

    private TopologyReplay() {}

    /** Replays {@code input} in {@code mode} at {@code parallelism}; returns what it wrote. */
    public static InMemoryTables run(Path input, RuntimeExecutionMode mode, int parallelism)
            throws Exception {
        try (CollectingSinks sinks = new CollectingSinks()) {
            run(input, mode, parallelism, sinks);
            return sinks.tables();
        }
    }

    /**
     * Replays {@code input} into {@code sinks}, which may hold the writes of earlier runs (a second
     * replay into the same tables).
     */
    public static void run(
            Path input, RuntimeExecutionMode mode, int parallelism, CollectingSinks sinks)
            throws Exception {
        Configuration conf = new Configuration();
        conf.set(ExecutionOptions.RUNTIME_MODE, mode);
        run(input, conf, parallelism, sinks);
    }

    /** Replays {@code input} into {@code sinks} with {@code conf} (its mode and other options). */
    public static void run(Path input, Configuration conf, int parallelism, CollectingSinks sinks)
            throws Exception {
        // As the command line: every operator runs at the given parallelism (issue 13).
        conf.set(BatchExecutionOptions.ADAPTIVE_AUTO_PARALLELISM_ENABLED, false);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        if (!(env instanceof TestStreamEnvironment)) {
            throw new IllegalStateException(
                    "no shared MiniCluster: extend the test class with SharedMiniCluster");
        }
        env.setParallelism(parallelism);
        new CxqPipeline(
                        ReplaySource.of(input),
                        sinks,
                        Defaults.pipelineSettings(),
                        WebhookSettings.none())
                .build(env);
        env.execute("cxq topology replay " + input.getFileName());
    }
}
