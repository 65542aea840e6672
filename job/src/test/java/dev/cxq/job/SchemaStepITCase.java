package dev.cxq.job;

import dev.cxq.job.cli.CxqMain;
import dev.cxq.job.testing.PostgresTestDatabase;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The migration step of a cluster deploy ({@code --migrate-only}) and the job that only verifies
 * the schema ({@code --schema verify}, the default on a cluster), on real PostgreSQL.
 */
class SchemaStepITCase {

    private static final Path SAMPLE = Path.of("..", "deploy", "samples", "events.jsonl");

    private record Outcome(int exitCode, String output) {}

    private static Outcome run(String... args) {
        PrintStream out = System.out;
        PrintStream err = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        PrintStream both = new PrintStream(captured, true, StandardCharsets.UTF_8);
        System.setOut(both);
        System.setErr(both);
        try {
            return new Outcome(CxqMain.run(args), captured.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(out);
            System.setErr(err);
        }
    }

    @Test
    void aVerifyingJobRefusesAnUnmigratedDatabaseAndRunsAfterTheMigrationStep() throws Exception {
        try (PostgresTestDatabase db = PostgresTestDatabase.empty()) {
            String[] job = {
                "--input",
                SAMPLE.toString(),
                "--jdbc-url",
                db.url(),
                "--jdbc-user",
                PostgresTestDatabase.USER,
                "--schema",
                "verify"
            };

            Outcome refused = run(job);
            assertThat(refused.exitCode()).isEqualTo(CxqMain.EXIT_DATABASE);
            assertThat(refused.output())
                    .contains("the database schema is missing but this job needs version")
                    .contains("cxq --migrate-only");
            assertThat(db.queryLong("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'"))
                    .as("verify changes nothing")
                    .isZero();

            Outcome migrated =
                    run(
                            "--migrate-only",
                            "--jdbc-url",
                            db.url(),
                            "--jdbc-user",
                            PostgresTestDatabase.USER);
            assertThat(migrated.exitCode()).as(migrated.output()).isZero();
            assertThat(migrated.output()).contains("is current");
            assertThat(db.queryLong("SELECT count(*) FROM quality_alerts")).isZero();

            Outcome ran = run(job);
            assertThat(ran.exitCode()).as(ran.output()).isZero();
            assertThat(db.queryLong("SELECT count(*) FROM quality_alerts")).isPositive();
        }
    }

    @Test
    void theMigrationStepRunsNoJob() {
        Outcome o =
                run(
                        "--migrate-only",
                        "--input",
                        SAMPLE.toString(),
                        "--jdbc-url",
                        "jdbc:postgresql://127.0.0.1:5432/x");
        assertThat(o.exitCode()).isEqualTo(CxqMain.EXIT_BAD_ARGUMENTS);
        assertThat(o.output()).contains("--migrate-only runs no job: drop --input");

        Outcome withoutDatabase = run("--migrate-only");
        assertThat(withoutDatabase.exitCode()).isEqualTo(CxqMain.EXIT_BAD_ARGUMENTS);
        assertThat(withoutDatabase.output()).contains("--migrate-only needs --jdbc-url");
    }
}
