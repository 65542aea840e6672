package dev.cxq.job;

import dev.cxq.job.testing.FreePorts;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The README's first command, run as a newcomer runs it: the fat jar in its own JVM. The in-process
 * tests share the test classpath and cannot see what the shaded jar lacks (a dependency in the
 * wrong scope once dropped a class that {@code StreamExecutionEnvironment} needs).
 */
class PackagedJarITCase {

    private static final Path JAR = Path.of("target", "cxq-job.jar");
    private static final Path SAMPLE = Path.of("..", "deploy", "samples", "events.jsonl");

    @TempDir Path dir;

    @Test
    void replaysTheBundledSample() throws Exception {
        Path output = dir.resolve("out");

        Result result = runJar("--input", SAMPLE.toString(), "--output-dir", output.toString());

        assertThat(result.exitCode()).as(result.output()).isZero();
        assertThat(result.output()).contains("committed to " + output);
        assertThat(lines(output.resolve("quality_alerts"))).isNotEmpty();
        assertThat(lines(output.resolve("computed_metrics"))).isNotEmpty();
    }

    @Test
    void runsTheDemoForItsDuration() throws Exception {
        Path output = dir.resolve("demo");

        Result result =
                runJar(
                        "--demo",
                        "--duration",
                        "20s",
                        "--demo-sessions",
                        "200",
                        "--web-ui-port",
                        String.valueOf(FreePorts.freePort()),
                        "--output-dir",
                        output.toString());

        assertThat(result.exitCode()).as(result.output()).isZero();
        assertThat(result.output()).contains("cxq demo 0:05").contains("stopped after 20s");
        assertThat(lines(output.resolve("session_quality"))).isNotEmpty();
    }

    private record Result(int exitCode, String output) {}

    private Result runJar(String... args) throws Exception {
        assertThat(JAR).as("the fat jar is built in the package phase").isRegularFile();
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-jar");
        command.add(JAR.toString());
        command.addAll(List.of(args));
        Path log = Files.createTempFile(dir, "jar", ".log");
        Process process =
                new ProcessBuilder(command)
                        .redirectErrorStream(true)
                        .redirectOutput(log.toFile())
                        .start();
        if (!process.waitFor(4, TimeUnit.MINUTES)) {
            process.destroyForcibly();
            throw new AssertionError(
                    "the jar did not exit within 4 minutes:\n" + Files.readString(log));
        }
        return new Result(process.exitValue(), Files.readString(log, StandardCharsets.UTF_8));
    }

    private static List<String> lines(Path tableDirectory) throws IOException {
        List<String> lines = new ArrayList<>();
        try (var files = Files.walk(tableDirectory)) {
            // Finished part files only: hidden in-progress files hold uncommitted rows.
            for (Path file :
                    files.filter(Files::isRegularFile)
                            .filter(f -> f.getFileName().toString().startsWith("part-"))
                            .toList()) {
                lines.addAll(Files.readAllLines(file, StandardCharsets.UTF_8));
            }
        }
        return lines;
    }
}
