package dev.cxq.job.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** The Kafka flags are validated before any job starts, with specific messages. */
class KafkaArgumentsTest {

    @TempDir Path dir;

    private static String stderrOf(String... args) {
        PrintStream original = System.err;
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        try {
            assertThat(CxqMain.run(args)).isEqualTo(CxqMain.EXIT_BAD_ARGUMENTS);
            return err.toString(StandardCharsets.UTF_8);
        } finally {
            System.setErr(original);
        }
    }

    @Test
    void inputAndKafkaAreMutuallyExclusive() throws Exception {
        Path input = Files.writeString(dir.resolve("e.jsonl"), "{}\n");
        assertThat(
                        stderrOf(
                                "--input", input.toString(),
                                "--kafka-bootstrap", "localhost:9092",
                                "--kafka-topics", "t"))
                .contains("exactly one input");
        assertThat(stderrOf("--metric-version", "1")).contains("exactly one input");
    }

    @Test
    void kafkaNeedsTopics() {
        assertThat(stderrOf("--kafka-bootstrap", "localhost:9092")).contains("--kafka-topics");
    }

    @Test
    void startingOffsetsAndUntilAreChecked() {
        assertThat(
                        stderrOf(
                                "--kafka-bootstrap", "localhost:9092",
                                "--kafka-topics", "t",
                                "--starting-offsets", "timestamp:soon"))
                .contains(
                        "--starting-offsets must be earliest, latest, committed or timestamp:MILLIS");
        assertThat(
                        stderrOf(
                                "--kafka-bootstrap", "localhost:9092",
                                "--kafka-topics", "t",
                                "--until", "tomorrow"))
                .contains("--until accepts only latest");
    }

    @Test
    void anUnreadableSecretFileIsRefusedWithoutPrintingAnySecret() {
        String err =
                stderrOf(
                        "--kafka-bootstrap", "localhost:9092",
                        "--kafka-topics", "t",
                        "--signing-secret-file", dir.resolve("missing").toString());
        assertThat(err).contains("--signing-secret-file is not a readable file");
    }

    @Test
    void thereIsNoFlagThatTakesTheSecretItself() {
        assertThat(
                        stderrOf(
                                "--kafka-bootstrap", "localhost:9092",
                                "--kafka-topics", "t",
                                "--signing-secret", "hunter2"))
                .contains("Unknown option");
    }
}
