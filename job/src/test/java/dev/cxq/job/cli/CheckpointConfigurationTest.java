package dev.cxq.job.cli;

import org.apache.flink.api.common.RuntimeExecutionMode;
import org.apache.flink.configuration.BatchExecutionOptions;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.CoreOptions;
import org.apache.flink.configuration.ExecutionOptions;
import org.apache.flink.configuration.ExternalizedCheckpointRetention;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.configuration.StateBackendOptions;
import org.apache.flink.configuration.StateRecoveryOptions;
import org.apache.flink.core.execution.CheckpointingMode;
import org.apache.flink.state.rocksdb.EmbeddedRocksDBStateBackend;
import org.apache.flink.state.rocksdb.RocksDBOptions;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/** The checkpoint and restart flags become the expected Flink configuration. */
class CheckpointConfigurationTest {

    private static Configuration configurationOf(String... args) {
        CxqMain main = new CxqMain();
        new CommandLine(main).parseArgs(args);
        return main.flinkConfiguration(
                args.length > 0 && String.join(" ", args).contains("--execution-mode streaming")
                        ? RuntimeExecutionMode.STREAMING
                        : RuntimeExecutionMode.BATCH);
    }

    @Test
    void batchReplayRunsEveryOperatorAtTheGivenParallelism() {
        Configuration conf = configurationOf("--input", "x.jsonl", "--parallelism", "3");

        assertThat(conf.get(ExecutionOptions.RUNTIME_MODE)).isEqualTo(RuntimeExecutionMode.BATCH);
        assertThat(conf.get(CoreOptions.DEFAULT_PARALLELISM)).isEqualTo(3);
        // Not a parallelism per vertex chosen from its input volume at run time (issue 13).
        assertThat(conf.get(BatchExecutionOptions.ADAPTIVE_AUTO_PARALLELISM_ENABLED)).isFalse();
    }

    @Test
    void streamingReplayCheckpointsByDefault() {
        Configuration conf = configurationOf("--input", "x.jsonl", "--execution-mode", "streaming");

        assertThat(conf.get(ExecutionOptions.RUNTIME_MODE))
                .isEqualTo(RuntimeExecutionMode.STREAMING);
        assertThat(conf.get(CheckpointingOptions.CHECKPOINTING_INTERVAL))
                .isEqualTo(Duration.ofSeconds(10));
        assertThat(conf.get(CheckpointingOptions.CHECKPOINTING_CONSISTENCY_MODE))
                .isEqualTo(CheckpointingMode.EXACTLY_ONCE);
        assertThat(conf.get(StateBackendOptions.STATE_BACKEND)).isEqualTo("rocksdb");
        assertThat(conf.get(RocksDBOptions.TIMER_SERVICE_FACTORY))
                .isEqualTo(EmbeddedRocksDBStateBackend.PriorityQueueStateType.HEAP);
        assertThat(conf.get(CheckpointingOptions.INCREMENTAL_CHECKPOINTS)).isTrue();
        assertThat(conf.get(CheckpointingOptions.CHECKPOINTS_DIRECTORY))
                .isEqualTo(
                        Path.of(System.getProperty("java.io.tmpdir"), "cxq-checkpoints")
                                .toUri()
                                .toString());
        assertThat(conf.get(CheckpointingOptions.EXTERNALIZED_CHECKPOINT_RETENTION))
                .isEqualTo(ExternalizedCheckpointRetention.RETAIN_ON_CANCELLATION);
        assertThat(conf.get(CheckpointingOptions.MAX_RETAINED_CHECKPOINTS)).isEqualTo(3);
        assertThat(conf.get(RestartStrategyOptions.RESTART_STRATEGY))
                .isEqualTo("exponential-delay");
        assertThat(conf.get(RestartStrategyOptions.RESTART_STRATEGY_EXPONENTIAL_DELAY_ATTEMPTS))
                .isEqualTo(10);
        assertThat(conf.contains(StateRecoveryOptions.SAVEPOINT_PATH)).isFalse();
    }

    @Test
    void flagsOverrideTheDefaults() {
        Configuration conf =
                configurationOf(
                        "--kafka-bootstrap", "localhost:9092",
                        "--kafka-topics", "t",
                        "--checkpoint-interval", "250ms",
                        "--checkpoint-dir", "s3://bucket/cxq",
                        "--checkpoints-retained", "5",
                        "--restart-attempts", "4",
                        "--restart-initial-delay", "2s",
                        "--restart-max-delay", "20s",
                        "--restore-from", "/ckpt/chk-7");

        assertThat(conf.get(ExecutionOptions.RUNTIME_MODE))
                .isEqualTo(RuntimeExecutionMode.STREAMING);
        assertThat(conf.get(CheckpointingOptions.CHECKPOINTING_INTERVAL))
                .isEqualTo(Duration.ofMillis(250));
        assertThat(conf.get(CheckpointingOptions.CHECKPOINTS_DIRECTORY))
                .isEqualTo("s3://bucket/cxq");
        assertThat(conf.get(CheckpointingOptions.MAX_RETAINED_CHECKPOINTS)).isEqualTo(5);
        assertThat(conf.get(RestartStrategyOptions.RESTART_STRATEGY_EXPONENTIAL_DELAY_ATTEMPTS))
                .isEqualTo(4);
        assertThat(
                        conf.get(
                                RestartStrategyOptions
                                        .RESTART_STRATEGY_EXPONENTIAL_DELAY_INITIAL_BACKOFF))
                .isEqualTo(Duration.ofSeconds(2));
        assertThat(conf.get(RestartStrategyOptions.RESTART_STRATEGY_EXPONENTIAL_DELAY_MAX_BACKOFF))
                .isEqualTo(Duration.ofSeconds(20));
        assertThat(conf.get(StateRecoveryOptions.SAVEPOINT_PATH)).isEqualTo("/ckpt/chk-7");
    }

    @Test
    void localCheckpointDirBecomesAFileUri() {
        Configuration conf =
                configurationOf(
                        "--input", "x.jsonl",
                        "--execution-mode", "streaming",
                        "--checkpoint-dir", "/var/cxq/ckpt");

        assertThat(conf.get(CheckpointingOptions.CHECKPOINTS_DIRECTORY))
                .isEqualTo("file:///var/cxq/ckpt");
    }

    @Test
    void zeroRestartAttemptsMeansNoRestart() {
        Configuration conf =
                configurationOf(
                        "--input", "x.jsonl",
                        "--execution-mode", "streaming",
                        "--restart-attempts", "0");

        assertThat(conf.get(RestartStrategyOptions.RESTART_STRATEGY)).isEqualTo("none");
    }

    @Test
    void batchReplayTakesNoCheckpoints() {
        Configuration conf = configurationOf("--input", "x.jsonl");

        assertThat(conf.get(ExecutionOptions.RUNTIME_MODE)).isEqualTo(RuntimeExecutionMode.BATCH);
        assertThat(conf.contains(CheckpointingOptions.CHECKPOINTING_INTERVAL)).isFalse();
        assertThat(conf.contains(StateBackendOptions.STATE_BACKEND)).isFalse();
    }
}
