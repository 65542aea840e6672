package dev.cxq.job;

import dev.cxq.job.cli.CxqMain;
import dev.cxq.job.cli.Defaults;
import dev.cxq.job.db.PostgresConnection;
import dev.cxq.job.sink.JdbcSinks;
import dev.cxq.job.source.ReplaySource;
import dev.cxq.job.testing.PostgresTestDatabase;
import dev.cxq.job.testing.PrivatePostgres;
import dev.cxq.job.testing.ReplayInputs;
import dev.cxq.job.testing.TableComparison;

import org.apache.flink.api.common.JobID;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.api.common.RuntimeExecutionMode;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.checkpoint.CheckpointStatsSnapshot;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.InjectMiniCluster;
import org.apache.flink.test.junit5.MiniClusterExtension;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * PostgreSQL restarted mid-run: the job recovers and the tables end identical to a failure-free run
 * of the same input. The server is a private one ({@link PrivatePostgres}): restarting the shared
 * server would break the tests running against it.
 */
class PostgresRestartITCase {

    private static final int SESSIONS = 300;
    private static final int SAMPLES = 120;

    /** Wall-clock columns, and the attempt counts a replay legitimately moves. */
    private static final Set<String> NOT_COMPARED =
            Set.of("received_at", "attempts", "delivered_at");

    @RegisterExtension
    static final MiniClusterExtension MINI_CLUSTER =
            new MiniClusterExtension(
                    new MiniClusterResourceConfiguration.Builder()
                            .setNumberTaskManagers(1)
                            .setNumberSlotsPerTaskManager(2)
                            .build());

    @TempDir static Path dir;

    private static PrivatePostgres postgres;

    @BeforeAll
    static void startPrivateServer() throws Exception {
        postgres = PrivatePostgres.start();
    }

    @AfterAll
    static void stopPrivateServer() throws Exception {
        if (postgres != null) {
            postgres.close();
        }
    }

    @Test
    void aPostgresRestartMidRunEndsWithTheTablesOfAFailureFreeRun(
            @InjectMiniCluster MiniCluster miniCluster) throws Exception {
        Path input = ReplayInputs.writeOrderedStream(dir, SESSIONS, SAMPLES);
        long events;
        try (var lines = Files.lines(input)) {
            events = lines.filter(line -> !line.isBlank()).count();
        }

        Map<String, List<String>> reference;
        try (PostgresTestDatabase db = new PostgresTestDatabase(postgres.host(), postgres.port())) {
            start(db, input, "reference").getJobExecutionResult().get();
            reference = db.snapshot(NOT_COMPARED);
        }
        assertThat(reference.get("session_quality")).hasSize(SESSIONS);

        try (PostgresTestDatabase db = new PostgresTestDatabase(postgres.host(), postgres.port())) {
            JobClient job = start(db, input, "restart");
            JobID jobId = job.getJobID();
            // A known part of the input is processed: a third of the sessions have ended.
            long restartAfter = SESSIONS / 3;
            long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
            while (db.queryLong("SELECT count(*) FROM session_quality") < restartAfter) {
                assertThat(System.nanoTime())
                        .as("a third of the sessions written")
                        .isLessThan(deadline);
                assertThat(job.getJobStatus().get().isGloballyTerminalState())
                        .as("the job ended before a third of the sessions was written")
                        .isFalse();
                Thread.sleep(100);
            }
            long sessionsBefore = db.queryLong("SELECT count(*) FROM session_quality");
            assertThat(job.getJobStatus().get())
                    .as("the job still runs when PostgreSQL restarts")
                    .isEqualTo(JobStatus.RUNNING);
            long restartStart = System.nanoTime();
            postgres.restart();
            long restartMs = (System.nanoTime() - restartStart) / 1_000_000;

            job.getJobExecutionResult().get();
            CheckpointStatsSnapshot stats =
                    miniCluster.getExecutionGraph(jobId).get().getCheckpointStatsSnapshot();
            Map<String, List<String>> after = db.snapshot(NOT_COMPARED);

            long rows = TableComparison.assertSameTables(reference, after, "after the restart");
            System.out.printf(
                    "PostgreSQL restart: %d events; server restarted (pg_ctl restart -m fast, %d"
                            + " ms) after %d of %d sessions were written; the job restored %d"
                            + " checkpoint(s) (%d completed in all) and ended with %d rows in %d"
                            + " tables identical to a failure-free run, 0 duplicates%n",
                    events,
                    restartMs,
                    sessionsBefore,
                    SESSIONS,
                    stats.getCounts().getNumberOfRestoredCheckpoints(),
                    stats.getCounts().getNumberOfCompletedCheckpoints(),
                    rows,
                    after.size());
        }
    }

    /** The production topology and configuration in streaming mode, checkpoints every 300 ms. */
    private static JobClient start(PostgresTestDatabase db, Path input, String name)
            throws Exception {
        db.migrate();
        CxqMain main = new CxqMain();
        new CommandLine(main)
                .parseArgs(
                        "--input", input.toString(),
                        "--execution-mode", "streaming",
                        "--parallelism", "2",
                        "--checkpoint-interval", "300ms",
                        "--checkpoint-dir", dir.resolve("checkpoints-" + name).toString(),
                        "--restart-attempts", "10",
                        "--restart-initial-delay", "500ms",
                        "--restart-max-delay", "5s");
        Configuration conf = main.flinkConfiguration(RuntimeExecutionMode.STREAMING);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        new CxqPipeline(
                        ReplaySource.of(input),
                        new JdbcSinks(
                                PostgresConnection.of(db.url(), PostgresTestDatabase.USER, null),
                                1),
                        Defaults.pipelineSettings(),
                        main.webhookSettings(Map.of()))
                .build(env);
        return env.executeAsync("cxq postgres restart " + name);
    }
}
