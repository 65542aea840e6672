package dev.cxq.job.cli;

import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.ExternalizedCheckpointRetention;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.configuration.StateBackendOptions;
import org.apache.flink.configuration.StateRecoveryOptions;
import org.apache.flink.core.execution.CheckpointingMode;
import org.apache.flink.state.rocksdb.EmbeddedRocksDBStateBackend;
import org.apache.flink.state.rocksdb.RocksDBOptions;

import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.time.Duration;
import java.util.function.Predicate;

/**
 * Checkpointing, state backend and restart options of streaming runs (Kafka, and file replays with
 * {@code --execution-mode streaming}). Batch replays take no checkpoints: a failed batch run is
 * re-run, and the idempotent upserts land on the same rows.
 */
final class CheckpointCliOptions {

    static final String CHECKPOINT_INTERVAL = "--checkpoint-interval";

    @Config(key = "checkpoints.interval", rule = "at least 10ms")
    @Option(
            names = CHECKPOINT_INTERVAL,
            defaultValue = "10s",
            converter = DurationConverter.class,
            description =
                    "Checkpoint interval of streaming runs: Kafka offsets, Kafka transactions and"
                            + " JDBC batches are committed with each checkpoint.")
    Duration checkpointInterval;

    static final String CHECKPOINT_DIR = "--checkpoint-dir";

    @Config(
            key = "checkpoints.dir",
            rule = "a path or file system URI",
            shownDefault = "<java.io.tmpdir>/cxq-checkpoints")
    @Option(
            names = CHECKPOINT_DIR,
            paramLabel = "PATH_OR_URI",
            description =
                    "Where checkpoints are kept (a path or a file system URI such as s3://...);"
                            + " default: the cluster's, and cxq-checkpoints under the system temp"
                            + " directory in a local run.")
    String checkpointDir;

    static final String CHECKPOINTS_RETAINED = "--checkpoints-retained";

    @Config(key = "checkpoints.retained", rule = "1 or more")
    @Option(
            names = CHECKPOINTS_RETAINED,
            defaultValue = "3",
            description =
                    "Completed checkpoints kept; they are also kept when the job is cancelled.")
    int retainedCheckpoints;

    static final String RESTART_ATTEMPTS = "--restart-attempts";

    @Config(key = "restarts.attempts", rule = "0 or more")
    @Option(
            names = RESTART_ATTEMPTS,
            defaultValue = "10",
            description =
                    "Restarts after a failure before the job fails (exponential-delay strategy);"
                            + " 0: fail at the first failure.")
    int restartAttempts;

    static final String RESTART_INITIAL_DELAY = "--restart-initial-delay";

    @Config(key = "restarts.initial-delay", rule = "not negative")
    @Option(
            names = RESTART_INITIAL_DELAY,
            defaultValue = "1s",
            converter = DurationConverter.class,
            description = "Delay before the first restart; doubled after each failure.")
    Duration restartInitialDelay;

    static final String RESTART_MAX_DELAY = "--restart-max-delay";

    @Config(key = "restarts.max-delay", rule = "at least restarts.initial-delay")
    @Option(
            names = RESTART_MAX_DELAY,
            defaultValue = "1m",
            converter = DurationConverter.class,
            description = "Longest delay between restarts.")
    Duration restartMaxDelay;

    static final String RESTORE_FROM = "--restore-from";

    @Config(key = "checkpoints.restore-from", rule = "-")
    @Option(
            names = RESTORE_FROM,
            paramLabel = "PATH",
            description =
                    "Start from this savepoint or retained checkpoint (its directory or _metadata).")
    String restoreFrom;

    /**
     * Adds the streaming fault-tolerance settings to {@code conf}. In a local run: exactly-once
     * checkpoints into incremental RocksDB snapshots, retained on cancellation, and a bounded
     * restart strategy. On a cluster only what the user gave, so that the cluster's configuration
     * rules the rest ({@link Deployment}); the checkpoint interval is the exception when the
     * cluster sets none, since the streaming outputs commit on checkpoints.
     */
    void applyTo(Configuration conf, Deployment deployment, ConfigSources.Origins origins) {
        Predicate<String> sets = flag -> deployment.setsOption(flag, origins);
        if (sets.test(CHECKPOINT_INTERVAL)
                || !deployment.clusterSets(CheckpointingOptions.CHECKPOINTING_INTERVAL)) {
            conf.set(CheckpointingOptions.CHECKPOINTING_INTERVAL, checkpointInterval);
        }
        if (deployment.isLocal()) {
            conf.set(
                    CheckpointingOptions.CHECKPOINTING_CONSISTENCY_MODE,
                    CheckpointingMode.EXACTLY_ONCE);
            conf.set(StateBackendOptions.STATE_BACKEND, "rocksdb");
            // Timers on the JVM heap: every session function registers and fires event-time
            // timers per event, which in RocksDB cost a write, a delete and a seek each
            // (measured 2026-11-22; docs/benchmarks.md, History). They are written to checkpoints
            // synchronously, and are few: about one per open session.
            conf.set(
                    RocksDBOptions.TIMER_SERVICE_FACTORY,
                    EmbeddedRocksDBStateBackend.PriorityQueueStateType.HEAP);
            conf.set(CheckpointingOptions.INCREMENTAL_CHECKPOINTS, true);
            conf.set(
                    CheckpointingOptions.EXTERNALIZED_CHECKPOINT_RETENTION,
                    ExternalizedCheckpointRetention.RETAIN_ON_CANCELLATION);
        }
        if (sets.test(CHECKPOINT_DIR)) {
            conf.set(CheckpointingOptions.CHECKPOINTS_DIRECTORY, checkpointDirectory());
        }
        if (sets.test(CHECKPOINTS_RETAINED)) {
            conf.set(CheckpointingOptions.MAX_RETAINED_CHECKPOINTS, retainedCheckpoints);
        }
        if (sets.test(RESTART_ATTEMPTS)) {
            if (restartAttempts == 0) {
                // Flink's exponential-delay strategy needs at least one attempt.
                conf.set(RestartStrategyOptions.RESTART_STRATEGY, "none");
            } else {
                conf.set(RestartStrategyOptions.RESTART_STRATEGY, "exponential-delay");
                conf.set(
                        RestartStrategyOptions.RESTART_STRATEGY_EXPONENTIAL_DELAY_ATTEMPTS,
                        restartAttempts);
            }
        }
        if (sets.test(RESTART_INITIAL_DELAY)) {
            conf.set(
                    RestartStrategyOptions.RESTART_STRATEGY_EXPONENTIAL_DELAY_INITIAL_BACKOFF,
                    restartInitialDelay);
        }
        if (sets.test(RESTART_MAX_DELAY)) {
            conf.set(
                    RestartStrategyOptions.RESTART_STRATEGY_EXPONENTIAL_DELAY_MAX_BACKOFF,
                    restartMaxDelay);
        }
        if (restoreFrom != null) {
            conf.set(StateRecoveryOptions.SAVEPOINT_PATH, restoreFrom);
        }
    }

    private String checkpointDirectory() {
        if (checkpointDir != null) {
            return checkpointDir.contains("://")
                    ? checkpointDir
                    : Path.of(checkpointDir).toAbsolutePath().toUri().toString();
        }
        return Path.of(System.getProperty("java.io.tmpdir"), "cxq-checkpoints").toUri().toString();
    }

    void validate(Problems problems) {
        if (checkpointInterval.compareTo(Duration.ofMillis(10)) < 0) {
            problems.add(
                    problems.name(CHECKPOINT_INTERVAL)
                            + " must be at least 10ms: "
                            + checkpointInterval);
        }
        problems.atLeast(CHECKPOINTS_RETAINED, retainedCheckpoints, 1);
        problems.atLeast(RESTART_ATTEMPTS, restartAttempts, 0);
        if (restartInitialDelay.isNegative()) {
            problems.notNegative(RESTART_INITIAL_DELAY, restartInitialDelay);
        } else if (restartMaxDelay.compareTo(restartInitialDelay) < 0) {
            problems.add(
                    problems.name(RESTART_MAX_DELAY)
                            + " must be at least "
                            + problems.name(RESTART_INITIAL_DELAY)
                            + ": "
                            + restartMaxDelay
                            + " < "
                            + restartInitialDelay);
        }
    }
}
