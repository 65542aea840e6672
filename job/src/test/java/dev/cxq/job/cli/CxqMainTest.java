package dev.cxq.job.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** Argument and environment errors end with a specific message and exit code, before any job. */
class CxqMainTest {

    @TempDir Path dir;

    private record Outcome(int exitCode, String stderr) {}

    private static Outcome run(String... args) {
        PrintStream original = System.err;
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        try {
            int code = CxqMain.run(args);
            return new Outcome(code, err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setErr(original);
        }
    }

    /** {@link #run} on an input of one line: every check here comes before it is read. */
    private Outcome runWithInput(String... flags) throws IOException {
        Path input = Files.writeString(dir.resolve("e.jsonl"), "{}\n");
        return run(
                Stream.concat(Stream.of("--input", input.toString()), Arrays.stream(flags))
                        .toArray(String[]::new));
    }

    @Test
    void missingInputIsABadArgument() {
        Outcome o = run("--jdbc-url", "jdbc:postgresql://127.0.0.1:5432/x");
        assertThat(o.exitCode()).isEqualTo(CxqMain.EXIT_BAD_ARGUMENTS);
        assertThat(o.stderr()).contains("--input");
    }

    @Test
    void nonexistentInputIsABadArgument() {
        Outcome o = run("--input", dir.resolve("nope.jsonl").toString());
        assertThat(o.exitCode()).isEqualTo(CxqMain.EXIT_BAD_ARGUMENTS);
        assertThat(o.stderr()).contains("--input does not exist");
    }

    @Test
    void nonPostgresUrlIsABadArgument() throws Exception {
        Outcome o = runWithInput("--jdbc-url", "jdbc:mysql://localhost/x");
        assertThat(o.exitCode()).isEqualTo(CxqMain.EXIT_BAD_ARGUMENTS);
        assertThat(o.stderr()).contains("--jdbc-url must be a PostgreSQL JDBC URL");
    }

    @Test
    void unknownExecutionModeAndBadNumbersAreBadArguments() throws Exception {
        assertThat(runWithInput("--execution-mode", "turbo").stderr())
                .contains("--execution-mode must be batch or streaming");
        assertThat(runWithInput("--parallelism", "0").stderr())
                .contains("--parallelism must be 1 or more");
        assertThat(runWithInput("--quiet-samples-held", "-1").stderr())
                .contains("--quiet-samples-held must be 0 or more");
        assertThat(runWithInput("--max-out-of-orderness", "soon").stderr())
                .contains("not a duration");
    }

    @Test
    void inconsistentQualityThresholdsAreBadArguments() throws Exception {
        Outcome o = runWithInput("--critical-mos-below", "4.0");
        assertThat(o.exitCode()).isEqualTo(CxqMain.EXIT_BAD_ARGUMENTS);
        assertThat(o.stderr())
                .contains("--critical-mos-below must not be above --degraded-mos-below: 4.0 > 3.5");
        assertThat(runWithInput("--media-gap-after", "0s").stderr())
                .contains("--media-gap-after must be positive: PT0S");
    }

    @Test
    void unreachableDatabaseIsReportedWithItsOwnExitCode() throws Exception {
        // Port 1 on loopback: nothing listens there, the connection is refused at once.
        Outcome o =
                runWithInput("--jdbc-url", "jdbc:postgresql://127.0.0.1:1/cxq?connectTimeout=2");
        assertThat(o.exitCode()).isEqualTo(CxqMain.EXIT_DATABASE);
        assertThat(o.stderr()).contains("cannot reach or migrate the database");
    }

    @Test
    void badWebhookUrlsAndUnreadableSecretFilesAreBadArguments() throws Exception {
        assertThat(runWithInput("--webhook-url", "not a url").stderr())
                .contains("--webhook-url not a URL");
        assertThat(runWithInput("--webhook-url", "ftp://host/x").stderr())
                .contains("--webhook-url not an http(s) URL");
        Outcome o =
                runWithInput(
                        "--webhook-url",
                        "http://127.0.0.1:9/hook",
                        "--webhook-secret-file",
                        dir.resolve("missing").toString());
        assertThat(o.exitCode()).isEqualTo(CxqMain.EXIT_BAD_ARGUMENTS);
        assertThat(o.stderr()).contains("--webhook-secret-file is not a readable file");
    }

    @Test
    void demoOptionsAreCheckedBeforeAnyJob() throws Exception {
        assertThat(runWithInput("--demo").stderr()).contains("give exactly one input");
        assertThat(runWithInput("--duration", "45s").stderr())
                .contains("--duration applies to --demo only");
        Outcome tooFew = run("--demo", "--demo-sessions", "5");
        assertThat(tooFew.exitCode()).isEqualTo(CxqMain.EXIT_BAD_ARGUMENTS);
        assertThat(tooFew.stderr()).contains("--demo-sessions must be between 13 and 1000000: 5");
        assertThat(run("--demo", "--web-ui-port", "70000").stderr())
                .contains("--web-ui-port must be between 1 and 65535: 70000");
        assertThat(run("--demo", "--duration", "0s").stderr())
                .contains("--duration must be positive: PT0S");
    }
}
