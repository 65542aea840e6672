package dev.cxq.job;

import dev.cxq.job.cli.CxqMain;
import dev.cxq.job.cli.Defaults;
import dev.cxq.job.db.PostgresConnection;
import dev.cxq.job.sink.JdbcSinks;
import dev.cxq.job.sink.webhook.WebhookDeliveries;
import dev.cxq.job.sink.webhook.WebhookSettings;
import dev.cxq.job.source.ReplaySource;
import dev.cxq.job.testing.EndAfterACheckpoint;
import dev.cxq.job.testing.FailingSinks;
import dev.cxq.job.testing.PostgresTestDatabase;

import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.api.common.RuntimeExecutionMode;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

import picocli.CommandLine;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * A streaming replay through the production topology and the configuration {@link CxqMain} derives
 * from its flags, whose sinks are wrapped in {@link FailingSinks} so that a test can fail the task
 * at chosen writes ({@link FailingSinks#reset}). Shared by the failure tests and the differential
 * harness.
 */
public final class FaultInjectedReplay {

    private FaultInjectedReplay() {}

    /**
     * Replays {@code input} into the (migrated) database at {@code jdbcUrl}, streaming, with {@code
     * flags} as on the command line (later flags override earlier ones); returns when the job
     * finished, throws when it failed.
     */
    public static JobExecutionResult run(Path input, String jdbcUrl, List<String> flags)
            throws Exception {
        return run(input, jdbcUrl, flags, new Configuration());
    }

    /** As {@link #run(Path, String, List)}, with {@code extra} added to the Flink configuration. */
    public static JobExecutionResult run(
            Path input, String jdbcUrl, List<String> flags, Configuration extra) throws Exception {
        CxqMain main = new CxqMain();
        new CommandLine(main)
                .setOverwrittenOptionsAllowed(true)
                .parseArgs(flags.toArray(String[]::new));
        Configuration conf = main.flinkConfiguration(RuntimeExecutionMode.STREAMING);
        conf.addAll(extra);
        conf.addAll(extra);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        PostgresConnection database =
                PostgresConnection.of(jdbcUrl, PostgresTestDatabase.USER, null);
        WebhookSettings webhooks = main.webhookSettings(Map.of());
        new CxqPipeline(
                        // Each attempt takes a checkpoint before its input ends, so a test that
                        // fails the job always has a retained one to restore.
                        EndAfterACheckpoint.of(ReplaySource.of(input)),
                        new FailingSinks(new JdbcSinks(database, 1)),
                        Defaults.pipelineSettings(),
                        webhooks)
                .build(env);
        // As a local run of the command line: the delivery worker beside the job.
        WebhookDeliveries deliveries = WebhookDeliveries.of(webhooks, database);
        deliveries.start();
        try {
            return env.execute("cxq replay with injected failures");
        } finally {
            deliveries.finish();
        }
    }

    /**
     * The newest completed checkpoint ({@code <job id>/chk-N} holding {@code _metadata}) under
     * {@code root}. Only those two levels are listed: Flink may still be discarding files under
     * {@code shared/} after the job failed, and a walk through them can meet a file that is gone.
     */
    public static Path latestCheckpoint(Path root) throws IOException {
        return completedCheckpoints(root).stream()
                .max(Comparator.comparingLong(FaultInjectedReplay::checkpointId))
                .orElseThrow(() -> new AssertionError("no retained checkpoint under " + root));
    }

    /** The id of the newest completed checkpoint under {@code root}, 0 when there is none. */
    public static long newestCheckpointId(Path root) {
        try {
            return completedCheckpoints(root).stream()
                    .mapToLong(FaultInjectedReplay::checkpointId)
                    .max()
                    .orElse(0);
        } catch (IOException e) {
            // Not created yet, or a checkpoint discarded while listed: none to count now.
            return 0;
        }
    }

    private static long checkpointId(Path checkpoint) {
        return Long.parseLong(checkpoint.getFileName().toString().substring(4));
    }

    private static List<Path> completedCheckpoints(Path root) throws IOException {
        List<Path> completed = new ArrayList<>();
        if (!Files.isDirectory(root)) {
            return completed;
        }
        try (var jobs = Files.list(root)) {
            for (Path job : jobs.filter(Files::isDirectory).toList()) {
                try (var checkpoints = Files.list(job)) {
                    checkpoints
                            .filter(p -> p.getFileName().toString().startsWith("chk-"))
                            .filter(p -> Files.exists(p.resolve("_metadata")))
                            .forEach(completed::add);
                }
            }
        }
        return completed;
    }
}
