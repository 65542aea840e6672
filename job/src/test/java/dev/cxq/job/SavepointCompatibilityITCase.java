package dev.cxq.job;

import dev.cxq.job.cli.CxqMain;
import dev.cxq.job.cli.Defaults;
import dev.cxq.job.db.PostgresConnection;
import dev.cxq.job.differential.TableDump;
import dev.cxq.job.sink.JdbcSinks;
import dev.cxq.job.sink.webhook.WebhookDeliveryOptions;
import dev.cxq.job.sink.webhook.WebhookEndpoint;
import dev.cxq.job.sink.webhook.WebhookSettings;
import dev.cxq.job.testing.InteractionInputs;
import dev.cxq.job.testing.LinesThenHold;
import dev.cxq.job.testing.MediaQualityScenarios;
import dev.cxq.job.testing.PostgresTestDatabase;
import dev.cxq.job.testing.TimeOrderedMerge;
import dev.cxq.udf.model.RawRecord;

import org.apache.flink.api.common.RuntimeExecutionMode;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.StateRecoveryOptions;
import org.apache.flink.connector.datagen.source.DataGeneratorSource;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Restores the savepoints that released code took (one directory per release under {@code
 * src/test/resources/savepoints/}) with the current code, and checks that the run continues as if
 * it had never stopped: every row the restored run writes equals that row of one uninterrupted run
 * over the same input. A lost or misread state (dedup ids, open media sessions and incidents,
 * interactions, FCR contacts, KPI windows, webhook and sink state) changes those rows or fails the
 * restore.
 *
 * <p>Each directory holds {@code input.jsonl} (the whole input), {@code cut} (how many of its lines
 * the release read before its savepoint) and {@code savepoint/}. The release read the first {@code
 * cut} lines at parallelism 1 and stopped with a canonical savepoint, without draining: its open
 * sessions, windows and timers are in the savepoint. The restored run reads the rest at parallelism
 * 2 (keyed state is redistributed) to the end of the input. The lines right after the cut repeat
 * lines before it: the restored dedup state must drop them. State that no operator of the current
 * job claims fails the restore unless the directory has an {@code ignore-unclaimed-state} file
 * saying why (0.1.0: the webhook sinks). {@code main-83a0b00} still has the two filters that the
 * parser's side outputs replaced (issue 17); they held no state, so it restores without one.
 *
 * <p>To add the savepoint of a new release (docs/deployment.md, "Savepoint compatibility test"):
 * {@code mvn -pl job -am test -Dtest=SavepointCompatibilityITCase
 * -Dsurefire.failIfNoSpecifiedTests=false -Dcxq.savepoint.write=<release>} with the release's code,
 * then commit the new directory.
 */
class SavepointCompatibilityITCase {

    static final Path SAVEPOINTS = Path.of("src", "test", "resources", "savepoints");

    /** A webhook that refuses connections: the job writes its outbox. */
    private static final URI WEBHOOK = URI.create("http://127.0.0.1:9/cxq-savepoint-test");

    /**
     * A file in a release's directory that says why its savepoint holds state no operator of the
     * current job claims; only then is that state ignored at the restore (the one upgrade that
     * drops it, docs/deployment.md). Without it, a savepoint whose operators are all still there or
     * held no state restores as it is.
     */
    private static final String IGNORE_UNCLAIMED_STATE = "ignore-unclaimed-state";

    /** Lines before the cut repeated right after it. */
    private static final int REDELIVERED = 6;

    private static final Duration TIMEOUT = Duration.ofMinutes(3);

    /** Columns that hold wall-clock times or attempt counts of one run. */
    private static final Set<String> RUN_COLUMNS =
            Set.of("updated_at", "written_at", "received_at", "attempts", "delivered_at");

    @TempDir Path tmp;

    @Test
    void eachReleasedSavepointRestoresAndTheRunContinuesAsIfUninterrupted() throws Exception {
        List<Path> releases;
        try (Stream<Path> dirs = Files.list(SAVEPOINTS)) {
            releases = dirs.filter(Files::isDirectory).sorted().toList();
        }
        assertThat(releases).as("savepoints under %s", SAVEPOINTS.toAbsolutePath()).isNotEmpty();
        for (Path release : releases) {
            restoreAndCompare(release);
        }
    }

    private void restoreAndCompare(Path release) throws Exception {
        List<String> lines = Files.readAllLines(release.resolve("input.jsonl"));
        int cut = Integer.parseInt(Files.readString(release.resolve("cut")).strip());
        try (PostgresTestDatabase uninterrupted = new PostgresTestDatabase();
                PostgresTestDatabase restored = new PostgresTestDatabase()) {
            uninterrupted.migrate();
            restored.migrate();
            run(uninterrupted, LinesThenHold.bounded(lines), 1, null, false)
                    .getJobExecutionResult()
                    .get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            JobClient job =
                    run(
                            restored,
                            LinesThenHold.bounded(lines),
                            2,
                            release.resolve("savepoint"),
                            Files.exists(release.resolve(IGNORE_UNCLAIMED_STATE)));
            job.getJobExecutionResult().get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);

            TableDump expected = dump(uninterrupted).withoutColumns(RUN_COLUMNS);
            TableDump actual = dump(restored).withoutColumns(RUN_COLUMNS);
            List<String> differences = new ArrayList<>();
            for (String table : TableDump.KEYS.keySet()) {
                if (table.equals("webhook_deliveries")) {
                    continue; // attempts of an unreachable endpoint: wall-clock dependent
                }
                actual.rows(table)
                        .forEach(
                                (key, row) -> {
                                    Object want = expected.rows(table).get(key);
                                    if (!row.equals(want)) {
                                        differences.add(
                                                table + " [" + key + "] " + row + " != " + want);
                                    }
                                });
            }
            assertThat(differences)
                    .as("rows of the run restored from %s that differ from one run", release)
                    .isEmpty();

            // The rows of sessions that began before the cut and went on after it exist only if
            // their state came back: each is then equal to the uninterrupted run's row (above).
            Set<String> spanning = spanningSessions(lines, cut);
            assertThat(spanning).as("sessions on both sides of the cut").hasSizeGreaterThan(3);
            assertThat(keysOf(actual, "session_quality", spanning))
                    .as("session_quality of sessions across the cut")
                    .isNotEmpty();
            assertThat(keysOf(actual, "computed_metrics", spanning))
                    .as("computed_metrics of interactions across the cut")
                    .isNotEmpty();
            assertThat(actual.rows("kpi_windows")).isNotEmpty();
            assertThat(actual.rows("quality_alerts")).isNotEmpty();
        }
    }

    /**
     * Writes the savepoint of the current code for release {@code cxq.savepoint.write} (run once
     * per release, then commit the directory).
     */
    @Test
    @EnabledIfSystemProperty(named = "cxq.savepoint.write", matches = ".+")
    void writeSavepointOfThisRelease() throws Exception {
        Path release = SAVEPOINTS.resolve(System.getProperty("cxq.savepoint.write"));
        assertThat(release).as("savepoint of this release exists already").doesNotExist();
        Path media = tmp.resolve("media.jsonl");
        Path interactions = tmp.resolve("interactions.jsonl");
        Path merged = tmp.resolve("merged.jsonl");
        MediaQualityScenarios.write(media);
        InteractionInputs.append(interactions);
        TimeOrderedMerge.merge(merged, media, interactions);
        List<String> scenario = Files.readAllLines(merged);
        int cut = scenario.size() / 2;
        List<String> lines = new ArrayList<>(scenario.subList(0, cut));
        lines.addAll(scenario.subList(cut - REDELIVERED, cut));
        lines.addAll(scenario.subList(cut, scenario.size()));

        try (PostgresTestDatabase db = new PostgresTestDatabase()) {
            db.migrate();
            String name = "savepoint-" + System.nanoTime();
            JobClient job = run(db, LinesThenHold.firstThenHold(lines, cut, name), 1, null, false);
            LinesThenHold.holding(name).get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            String savepoint = stopWithSavepoint(job, tmp.resolve("savepoints"));
            Files.createDirectories(release);
            copyTree(Path.of(URI.create(savepoint)), release.resolve("savepoint"));
        }
        Files.write(release.resolve("input.jsonl"), lines, StandardCharsets.UTF_8);
        Files.writeString(release.resolve("cut"), cut + "\n");
    }

    /**
     * Stops {@code job} with a canonical savepoint without draining, once every task runs (the
     * source may read its lines before the last task has started, and a savepoint needs them all).
     */
    private static String stopWithSavepoint(JobClient job, Path dir) throws Exception {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (true) {
            try {
                return job.stopWithSavepoint(
                                false, dir.toUri().toString(), SavepointFormatType.CANONICAL)
                        .get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            } catch (ExecutionException e) {
                if (System.nanoTime() > deadline
                        || !String.valueOf(e.getMessage()).contains("Not all required tasks")) {
                    throw e;
                }
                Thread.sleep(200); // tasks still deploying; the condition above decides
            }
        }
    }

    /**
     * Runs the production topology on {@code lines} into {@code db}, restored from {@code from}
     * when it is set, with the command line's Flink configuration of a streaming run.
     */
    private JobClient run(
            PostgresTestDatabase db,
            DataGeneratorSource<RawRecord> lines,
            int parallelism,
            Path from,
            boolean ignoreUnclaimedState)
            throws Exception {
        CxqMain main = new CxqMain();
        List<String> args =
                new ArrayList<>(
                        List.of(
                                "--parallelism",
                                String.valueOf(parallelism),
                                "--checkpoint-dir",
                                tmp.resolve("checkpoints").toUri().toString(),
                                "--restart-attempts",
                                "0"));
        if (from != null) {
            args.addAll(List.of("--restore-from", from.toAbsolutePath().toString()));
        }
        new CommandLine(main).parseArgs(args.toArray(String[]::new));
        Configuration conf = main.flinkConfiguration(RuntimeExecutionMode.STREAMING);
        conf.set(StateRecoveryOptions.SAVEPOINT_IGNORE_UNCLAIMED_STATE, ignoreUnclaimedState);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        new CxqPipeline(
                        lines,
                        new JdbcSinks(
                                PostgresConnection.of(db.url(), PostgresTestDatabase.USER, null),
                                1),
                        Defaults.pipelineSettings(),
                        new WebhookSettings(
                                List.of(WebhookEndpoint.of(WEBHOOK)),
                                WebhookDeliveryOptions.defaults(),
                                "test"))
                .build(env);
        return env.executeAsync("cxq savepoint compatibility");
    }

    private static Set<String> spanningSessions(List<String> lines, int cut) throws IOException {
        ObjectMapper mapper = new ObjectMapper();
        Set<String> before = new TreeSet<>();
        Set<String> spanning = new TreeSet<>();
        for (int i = 0; i < lines.size(); i++) {
            JsonNode event = mapper.readTree(lines.get(i));
            String session = event.path("session_id").asText();
            if (i < cut) {
                before.add(session);
            } else if (i >= cut + REDELIVERED && before.contains(session)) {
                spanning.add(session);
            }
        }
        return spanning;
    }

    private static Set<String> keysOf(TableDump dump, String table, Set<String> sessions) {
        Set<String> keys = new TreeSet<>();
        for (String key : dump.rows(table).keySet()) {
            if (sessions.contains(key.substring(0, key.indexOf('|')))) {
                keys.add(key);
            }
        }
        return keys;
    }

    private static TableDump dump(PostgresTestDatabase db) throws SQLException {
        TableDump dump = new TableDump();
        try (Connection c = db.connect();
                Statement st = c.createStatement()) {
            for (String table : TableDump.KEYS.keySet()) {
                try (ResultSet rs = st.executeQuery("SELECT * FROM " + table)) {
                    ResultSetMetaData meta = rs.getMetaData();
                    while (rs.next()) {
                        Map<String, Object> row = new LinkedHashMap<>();
                        for (int i = 1; i <= meta.getColumnCount(); i++) {
                            row.put(meta.getColumnName(i), rs.getObject(i));
                        }
                        dump.put(table, row);
                    }
                }
            }
        }
        return dump;
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> files = Files.walk(from)) {
            for (Path file : files.toList()) {
                Path target = to.resolve(from.relativize(file).toString());
                if (Files.isDirectory(file)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(file, target);
                }
            }
        }
    }
}
