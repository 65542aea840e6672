package dev.cxq.job.backfill;

import dev.cxq.job.cli.CxqMain;
import dev.cxq.job.testing.PostgresTestDatabase;
import dev.cxq.job.testing.TableComparison;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.BooleanSupplier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Backfills straight from the emulated platforms, compared table by table with the replay of the
 * same history from a file: in batch mode for both platforms, and for Genesys in streaming mode
 * killed (a permanent 4xx) after a checkpoint and restored from it.
 */
class BackfillITCase {

    private static final Instant FROM = Instant.parse("2026-03-02T08:00:00Z");
    private static final Instant TO = FROM.plus(Duration.ofHours(6));
    private static final int INTERVALS = 6;
    private static final String FAILING_JOB_INTERVAL =
            FROM.plus(Duration.ofHours(4)) + "/" + FROM.plus(Duration.ofHours(5));

    /** The emulated tenant's limit, and the budget given to cxq (10% kept for scheduling). */
    private static final int TENANT_LIMIT_PER_SECOND = 40;

    private static final String CLIENT_BUDGET = "36/1s";
    private static final Set<String> NOT_COMPARED = Set.of("received_at", "source");
    private static final String LIVE_KPI =
            "INSERT INTO kpi_windows VALUES ('agent', 'agent-0', '2026-03-02 07:55+00', 'PT5M',"
                    + " 'avg_handle_time_s', '2026-03-02 08:00+00', 100, 1, 1)";

    @TempDir static Path dir;

    private static BackfillHistory history;
    private static Path genesysLive;
    private static Path niceLive;
    private static Map<String, List<String>> genesysReference;
    private static Map<String, List<String>> niceReference;
    private static PlatformEmulator emulator;
    private static Path secretFile;

    @BeforeAll
    static void start() throws Exception {
        history = new BackfillHistory(7, 60, FROM, Duration.ofHours(6).toMillis());
        emulator =
                new PlatformEmulator(
                        history.genesysConversations(),
                        history.niceContacts(),
                        TENANT_LIMIT_PER_SECOND,
                        Duration.ofSeconds(1),
                        Duration.ofSeconds(2),
                        FAILING_JOB_INTERVAL);
        secretFile = dir.resolve("client-secret");
        Files.writeString(secretFile, PlatformEmulator.CLIENT_SECRET + "\n");
        genesysLive = dir.resolve("genesys-live.jsonl");
        Files.write(genesysLive, history.genesysLiveNotifications());
        niceLive = dir.resolve("nice-live.jsonl");
        Files.write(niceLive, history.niceContacts().stream().map(JsonNode::toString).toList());
        genesysReference = replay(genesysLive);
        niceReference = replay(niceLive);
    }

    /** The tables of the replay of {@code live} from a file, under the backfill's version. */
    private static Map<String, List<String>> replay(Path live) throws Exception {
        try (PostgresTestDatabase reference = new PostgresTestDatabase()) {
            reference.replay(live, "--metric-version", "2");
            return reference.snapshot(NOT_COMPARED);
        }
    }

    @AfterAll
    static void stop() {
        emulator.close();
    }

    @Test
    void aGenesysBackfillEqualsTheReplayOfTheLiveEvents() throws Exception {
        assertBackfillEqualsReplay("genesys", genesysReference, emulator.baseUrl());
        assertThat(emulator.jobsFailed.get()).as("the failing job was seen").isEqualTo(1);
        assertThat(emulator.intervalsRequested)
                .as("every interval once, the failed job's twice")
                .hasSize(INTERVALS + 1);
    }

    @Test
    void aNiceBackfillEqualsTheReplayOfTheCompletedContacts() throws Exception {
        assertBackfillEqualsReplay("nice", niceReference, emulator.baseUrl() + "/nice");
        assertThat(emulator.intervalsRequested).hasSize(INTERVALS);
    }

    @Test
    void aBackfillKilledAfterACheckpointResumesWithoutReReadingFinishedIntervals()
            throws Exception {
        Path checkpoints = dir.resolve("checkpoints");
        try (PostgresTestDatabase db = new PostgresTestDatabase()) {
            // Version 1 is live: the dashboards show it until the version 2 backfill completes.
            db.migrate();
            execute(db, LIVE_KPI);
            emulator.resetCounts();
            emulator.holdSubmissionsAfter(3);
            ByteArrayOutputStream errors = new ByteArrayOutputStream();
            PrintStream stderr = System.err;
            System.setErr(new PrintStream(errors, true, StandardCharsets.UTF_8));
            CompletableFuture<Integer> killed;
            try {
                killed =
                        CompletableFuture.supplyAsync(
                                () ->
                                        CxqMain.run(
                                                backfillArgs(
                                                        db,
                                                        "genesys",
                                                        emulator.baseUrl(),
                                                        "--execution-mode",
                                                        "streaming",
                                                        "--checkpoint-interval",
                                                        "100ms",
                                                        "--checkpoint-dir",
                                                        checkpoints.toString(),
                                                        "--restart-attempts",
                                                        "0")));
                // Both readers wait at the gate: the first three intervals are read and emitted.
                await(() -> emulator.heldAtGate.get() == 2, "both readers held");
                // Two checkpoints completed after that, so one was triggered after it.
                int seen = Math.max(latestCheckpointNumber(checkpoints), 0);
                await(() -> latestCheckpointNumber(checkpoints) >= seen + 2, "two checkpoints");
                // Then every held submission is refused for good, which fails the job.
                emulator.openGate(400);
                assertThat(killed.get()).as("exit code of the killed run").isEqualTo(1);
            } finally {
                System.setErr(stderr);
            }
            assertThat(errors.toString(StandardCharsets.UTF_8))
                    .as("the failure names the interval and the call")
                    .containsPattern(
                            "genesys interval 2026-03-02T\\d\\d:00:00Z/2026-03-02T\\d\\d:00:00Z:"
                                    + " POST /api/v2/analytics/conversations/details/jobs"
                                    + " answered 400");
            Set<String> finished = new HashSet<>(emulator.intervalsServed);
            Map<String, Integer> killedRun = emulator.figures();
            assertThat(finished).hasSize(3);
            assertThat(
                            db.queryLong(
                                    "SELECT count(*) FROM backfill_runs WHERE completed_at IS NULL"))
                    .as("the failed backfill is recorded as not completed")
                    .isEqualTo(1);
            // Whatever the killed run committed (here one row more, in case it was nothing).
            execute(db, LIVE_KPI.replace(", 1, 1)", ", 1, 2)"));
            assertThat(
                            db.queryLong(
                                    "SELECT count(*) FROM dashboard_latest_kpis"
                                            + " WHERE metric_version <> 1"))
                    .as("the dashboards never show half a backfill")
                    .isZero();
            Path checkpoint = latestCheckpoint(checkpoints);

            emulator.resetCounts();
            int exit =
                    CxqMain.run(
                            backfillArgs(
                                    db,
                                    "genesys",
                                    emulator.baseUrl(),
                                    "--execution-mode",
                                    "streaming",
                                    "--checkpoint-interval",
                                    "100ms",
                                    "--restore-from",
                                    checkpoint.toString()));
            assertThat(exit).isZero();
            System.out.printf(
                    "Genesys backfill killed after %s (%s), restored from %s: %s%n",
                    finished, killedRun, checkpoint.getFileName(), emulator.figures());
            assertThat(emulator.intervalsRequested)
                    .as("no finished interval is requested again")
                    .doesNotContainAnyElementsOf(finished);
            Set<String> all = new HashSet<>(finished);
            all.addAll(emulator.intervalsRequested);
            assertThat(all).hasSize(INTERVALS);
            assertThat(emulator.jobsFailed.get())
                    .as("the failed job of a remaining interval was submitted again")
                    .isEqualTo(1);
            assertThat(emulator.overLimit.get()).as("requests over the rate limit").isZero();
            assertThat(
                            db.queryLong(
                                    "SELECT count(*) FROM dashboard_latest_kpis"
                                            + " WHERE metric_version = 2"))
                    .as("the dashboards switch to the completed backfill")
                    .isPositive();
            execute(db, "DELETE FROM kpi_windows WHERE window_start < '" + FROM + "'");
            TableComparison.assertSameTables(
                    genesysReference, db.snapshot(NOT_COMPARED), "after restore");
            assertThat(
                            db.queryLong(
                                    "SELECT count(*) FROM backfill_runs WHERE completed_at IS NULL"))
                    .isZero();
        }
    }

    private void assertBackfillEqualsReplay(
            String platform, Map<String, List<String>> expected, String baseUrl) throws Exception {
        try (PostgresTestDatabase db = new PostgresTestDatabase()) {
            emulator.resetCounts();
            long started = System.nanoTime();
            assertThat(CxqMain.run(backfillArgs(db, platform, baseUrl))).isZero();
            System.out.printf(
                    "%s backfill of %d intervals in %d ms: %s%n",
                    platform,
                    INTERVALS,
                    (System.nanoTime() - started) / 1_000_000,
                    emulator.figures());

            long rows = TableComparison.assertSameTables(expected, db.snapshot(NOT_COMPARED), "");
            assertThat(rows).as("rows compared").isGreaterThan(100);
            assertThat(emulator.overLimit.get()).as("requests over the rate limit").isZero();
            assertThat(emulator.injected429.get()).as("429s answered").isPositive();
            assertThat(emulator.tokensIssued.get()).as("tokens refreshed").isGreaterThan(1);
            assertThat(emulator.expiredTokenCalls.get()).as("calls with an expired token").isZero();
            assertThat(
                            db.queryLong(
                                    "SELECT count(*) FROM backfill_runs WHERE metric_version = 2"
                                            + " AND completed_at IS NOT NULL"))
                    .isEqualTo(1);
            assertThat(
                            db.queryLong(
                                    "SELECT count(*) FROM dashboard_latest_kpis"
                                            + " WHERE metric_version = 2"))
                    .as("the dashboards show the completed version")
                    .isPositive();
        }
    }

    private static void execute(PostgresTestDatabase db, String sql) throws Exception {
        try (var c = db.connect();
                var st = c.createStatement()) {
            st.execute(sql);
        }
    }

    private static String[] backfillArgs(
            PostgresTestDatabase db, String platform, String baseUrl, String... extra) {
        List<String> args =
                new ArrayList<>(
                        List.of(
                                "--backfill",
                                platform,
                                "--from",
                                FROM.toString(),
                                "--to",
                                TO.toString(),
                                "--backfill-base-url",
                                baseUrl,
                                "--backfill-token-url",
                                emulator.baseUrl() + "/oauth/token",
                                "--backfill-client-id",
                                PlatformEmulator.CLIENT_ID,
                                "--backfill-client-secret-file",
                                secretFile.toString(),
                                "--backfill-rate-limit",
                                CLIENT_BUDGET,
                                "--backfill-page-size",
                                "4",
                                "--backfill-poll-interval",
                                "50ms",
                                "--backfill-max-backoff",
                                "2s",
                                "--metric-version",
                                "2",
                                "--parallelism",
                                "2",
                                "--jdbc-url",
                                db.url(),
                                "--jdbc-user",
                                PostgresTestDatabase.USER));
        args.addAll(List.of(extra));
        return args.toArray(String[]::new);
    }

    private static void await(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as("waiting for " + what).isLessThan(deadline);
            Thread.sleep(20);
        }
    }

    private static int latestCheckpointNumber(Path root) {
        try {
            Path latest = latestCheckpoint(root);
            return Integer.parseInt(latest.getFileName().toString().substring(4));
        } catch (Exception | AssertionError e) {
            return -1;
        }
    }

    /** The newest completed checkpoint ({@code chk-N} holding {@code _metadata}). */
    private static Path latestCheckpoint(Path root) throws Exception {
        try (var paths = Files.walk(root)) {
            return paths.filter(p -> p.getFileName().toString().equals("_metadata"))
                    .map(Path::getParent)
                    .max(
                            Comparator.comparingInt(
                                    p -> Integer.parseInt(p.getFileName().toString().substring(4))))
                    .orElseThrow(() -> new AssertionError("no retained checkpoint under " + root));
        }
    }
}
