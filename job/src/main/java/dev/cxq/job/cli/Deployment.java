package dev.cxq.job.cli;

import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.CoreOptions;
import org.apache.flink.configuration.ReadableConfig;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.streaming.api.environment.LocalStreamEnvironment;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

import java.util.Map;
import java.util.Optional;

/**
 * Where the program runs, which decides who owns the Flink settings.
 *
 * <p>A <b>local run</b> ({@code java -jar}) starts its own Flink cluster in the JVM: there is no
 * cluster configuration, so cxq's defaults apply (parallelism 2, checkpoints every 10 s under the
 * temp directory, RocksDB, exponential-delay restarts). A run <b>on a cluster</b> — {@code flink
 * run}, the REST API's {@code /jars/:id/run}, application mode — is a program whose {@code main} a
 * Flink client calls after installing a context environment that carries the cluster's
 * configuration. There the cluster's configuration rules: a Flink setting is set by cxq only when
 * its user gave the flag, variable or config-file entry.
 *
 * <p>The rule that tells the two apart: {@link
 * StreamExecutionEnvironment#getExecutionEnvironment()} returns a {@link LocalStreamEnvironment}
 * exactly when no client installed a context environment.
 */
final class Deployment {

    /** A local run: cxq's defaults apply. */
    static final Deployment LOCAL = new Deployment(null);

    /** The Flink option behind each command-line option that a cluster's configuration may set. */
    static final Map<String, ConfigOption<?>> FLINK_OPTIONS =
            Map.of(
                    ExecutionCliOptions.PARALLELISM, CoreOptions.DEFAULT_PARALLELISM,
                    CheckpointCliOptions.CHECKPOINT_INTERVAL,
                            CheckpointingOptions.CHECKPOINTING_INTERVAL,
                    CheckpointCliOptions.CHECKPOINT_DIR, CheckpointingOptions.CHECKPOINTS_DIRECTORY,
                    CheckpointCliOptions.CHECKPOINTS_RETAINED,
                            CheckpointingOptions.MAX_RETAINED_CHECKPOINTS,
                    CheckpointCliOptions.RESTART_ATTEMPTS,
                            RestartStrategyOptions.RESTART_STRATEGY_EXPONENTIAL_DELAY_ATTEMPTS,
                    CheckpointCliOptions.RESTART_INITIAL_DELAY,
                            RestartStrategyOptions
                                    .RESTART_STRATEGY_EXPONENTIAL_DELAY_INITIAL_BACKOFF,
                    CheckpointCliOptions.RESTART_MAX_DELAY,
                            RestartStrategyOptions.RESTART_STRATEGY_EXPONENTIAL_DELAY_MAX_BACKOFF);

    private final Configuration cluster;

    private Deployment(Configuration cluster) {
        this.cluster = cluster;
    }

    /** The deployment of this JVM's program: local unless a Flink client runs it. */
    static Deployment detect() {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        return env instanceof LocalStreamEnvironment ? LOCAL : onCluster(env.getConfiguration());
    }

    /** A run on a cluster with this configuration. */
    static Deployment onCluster(ReadableConfig clusterConfiguration) {
        return new Deployment(Configuration.fromMap(clusterConfiguration.toMap()));
    }

    boolean isLocal() {
        return cluster == null;
    }

    /**
     * Whether cxq sets the Flink setting of {@code flag}: always in a local run; on a cluster only
     * when the user gave it.
     */
    boolean setsOption(String flag, ConfigSources.Origins origins) {
        return isLocal() || origins.isSet(flag);
    }

    /** Whether the cluster's configuration sets {@code option}. */
    boolean clusterSets(ConfigOption<?> option) {
        return cluster != null && cluster.contains(option);
    }

    /**
     * On a cluster, the value of a Flink option the user did not give, with its origin ({@code
     * cluster <key>} or {@code flink default <key>}); empty when cxq sets the option itself.
     */
    Optional<String> clusterValue(String flag, ConfigSources.Origins origins) {
        ConfigOption<?> option = FLINK_OPTIONS.get(flag);
        if (option == null || setsOption(flag, origins)) {
            return Optional.empty();
        }
        if (cluster.contains(option)) {
            return Optional.of(cluster.get(option) + "  (cluster " + option.key() + ")");
        }
        if (option == CheckpointingOptions.CHECKPOINTING_INTERVAL) {
            // CheckpointCliOptions keeps cxq's interval: streaming output commits on checkpoints.
            return Optional.empty();
        }
        Object fallback = option.hasDefaultValue() ? option.defaultValue() : "none";
        return Optional.of(fallback + "  (flink default " + option.key() + ")");
    }
}
