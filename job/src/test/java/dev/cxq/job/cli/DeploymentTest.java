package dev.cxq.job.cli;

import org.apache.flink.api.common.RuntimeExecutionMode;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.CoreOptions;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.configuration.StateBackendOptions;
import org.apache.flink.state.rocksdb.RocksDBOptions;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * On a cluster the cluster's configuration rules every Flink setting the user did not give; a local
 * run keeps cxq's defaults (CheckpointConfigurationTest).
 */
class DeploymentTest {

    @TempDir Path dir;

    private static Configuration cluster() {
        Configuration conf = new Configuration();
        conf.set(CheckpointingOptions.CHECKPOINTS_DIRECTORY, "s3://platform/checkpoints");
        conf.set(CheckpointingOptions.CHECKPOINTING_INTERVAL, Duration.ofSeconds(60));
        conf.set(CoreOptions.DEFAULT_PARALLELISM, 8);
        return conf;
    }

    private record Run(CxqMain main, String stdout) {}

    /** Runs {@code --check-config} with {@code args} on {@code deployment}. */
    private Run checkConfig(Deployment deployment, Map<String, String> env, String... args)
            throws Exception {
        Path input = Files.writeString(dir.resolve("e.jsonl"), "{}\n");
        CxqMain main = new CxqMain(env, deployment);
        String[] all = new String[args.length + 3];
        all[0] = "--input";
        all[1] = input.toString();
        all[2] = "--check-config";
        System.arraycopy(args, 0, all, 3, args.length);
        PrintStream original = System.out;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        try {
            assertThat(main.execute(all)).isZero();
        } finally {
            System.setOut(original);
        }
        return new Run(main, out.toString(StandardCharsets.UTF_8));
    }

    @Test
    void aPlainJvmIsALocalRun() {
        assertThat(Deployment.detect().isLocal()).isTrue();
    }

    @Test
    void onAClusterTheJobSetsNoFlinkSettingItsUserDidNotGive() throws Exception {
        Configuration conf =
                checkConfig(Deployment.onCluster(cluster()), Map.of())
                        .main()
                        .flinkConfiguration(RuntimeExecutionMode.STREAMING);

        assertThat(conf.contains(CoreOptions.DEFAULT_PARALLELISM)).isFalse();
        assertThat(conf.contains(CheckpointingOptions.CHECKPOINTS_DIRECTORY)).isFalse();
        assertThat(conf.contains(CheckpointingOptions.CHECKPOINTING_INTERVAL)).isFalse();
        assertThat(conf.contains(CheckpointingOptions.MAX_RETAINED_CHECKPOINTS)).isFalse();
        assertThat(conf.contains(StateBackendOptions.STATE_BACKEND)).isFalse();
        assertThat(conf.contains(RocksDBOptions.TIMER_SERVICE_FACTORY)).isFalse();
        assertThat(conf.contains(RestartStrategyOptions.RESTART_STRATEGY)).isFalse();
    }

    @Test
    void onAClusterWhatTheUserGaveWins() throws Exception {
        Configuration conf =
                checkConfig(
                                Deployment.onCluster(cluster()),
                                Map.of("CXQ_CHECKPOINTS_RETAINED", "7"),
                                "--parallelism",
                                "3",
                                "--checkpoint-dir",
                                "s3://team/cxq",
                                "--restart-attempts",
                                "4")
                        .main()
                        .flinkConfiguration(RuntimeExecutionMode.STREAMING);

        assertThat(conf.get(CoreOptions.DEFAULT_PARALLELISM)).isEqualTo(3);
        assertThat(conf.get(CheckpointingOptions.CHECKPOINTS_DIRECTORY)).isEqualTo("s3://team/cxq");
        assertThat(conf.get(CheckpointingOptions.MAX_RETAINED_CHECKPOINTS)).isEqualTo(7);
        assertThat(conf.get(RestartStrategyOptions.RESTART_STRATEGY))
                .isEqualTo("exponential-delay");
        assertThat(conf.get(RestartStrategyOptions.RESTART_STRATEGY_EXPONENTIAL_DELAY_ATTEMPTS))
                .isEqualTo(4);
        assertThat(conf.contains(CheckpointingOptions.CHECKPOINTING_INTERVAL)).isFalse();
        assertThat(conf.contains(StateBackendOptions.STATE_BACKEND)).isFalse();
    }

    @Test
    void aClusterWithoutACheckpointIntervalGetsCxqsForStreamingRuns() throws Exception {
        Configuration conf =
                checkConfig(Deployment.onCluster(new Configuration()), Map.of())
                        .main()
                        .flinkConfiguration(RuntimeExecutionMode.STREAMING);

        assertThat(conf.get(CheckpointingOptions.CHECKPOINTING_INTERVAL))
                .isEqualTo(Duration.ofSeconds(10));
        assertThat(conf.contains(CheckpointingOptions.CHECKPOINTS_DIRECTORY)).isFalse();
    }

    @Test
    void checkConfigNamesTheClusterOrFlinksDefaultAsTheOrigin() throws Exception {
        String out =
                checkConfig(Deployment.onCluster(cluster()), Map.of(), "--restart-max-delay", "5m")
                        .stdout();

        assertThat(out)
                .contains("execution.parallelism = 8  (cluster parallelism.default)")
                .contains(
                        "checkpoints.dir = s3://platform/checkpoints  (cluster"
                                + " execution.checkpointing.dir)")
                .contains("checkpoints.interval = PT1M  (cluster execution.checkpointing.interval)")
                .contains(
                        "restarts.initial-delay = PT1S  (flink default"
                                + " restart-strategy.exponential-delay.initial-backoff)")
                .contains("restarts.max-delay = PT5M  (flag --restart-max-delay)")
                .contains("jdbc.schema = verify  (default)");
    }

    @Test
    void aLocalRunShowsCxqsDefaults() throws Exception {
        String out = checkConfig(Deployment.LOCAL, Map.of()).stdout();

        assertThat(out)
                .contains("execution.parallelism = 2  (default)")
                .contains("jdbc.schema = migrate  (default)")
                .doesNotContain("(cluster")
                .doesNotContain("flink default");
    }
}
