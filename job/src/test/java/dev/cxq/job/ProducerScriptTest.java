package dev.cxq.job;

import dev.cxq.udf.parse.CanonicalEventParser;
import dev.cxq.udf.parse.ParseResult;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The compose stack's producer ({@code deploy/producer/produce.sh}) run with {@code sh} and a
 * stand-in for {@code kafka-console-producer.sh} that keeps what it is sent: the bundled sample
 * first, line for line, then generated live sessions, every record keyed by its session id, every
 * generated event valid for the job's parser.
 */
class ProducerScriptTest {

    private static final Path SCRIPT = Path.of("..", "deploy", "producer", "produce.sh");
    private static final Path SAMPLE = Path.of("..", "deploy", "samples", "events.jsonl");
    private static final int SESSIONS = 3;
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir Path dir;

    @Test
    void sendsTheSampleThenValidLiveSessionsKeyedBySession() throws Exception {
        Path bin = Files.createDirectories(dir.resolve("bin"));
        Path produced = dir.resolve("produced.txt");
        Path stub = bin.resolve("kafka-console-producer.sh");
        Files.writeString(stub, "#!/bin/sh\ncat >> \"$PRODUCED\"\n");
        assertThat(stub.toFile().setExecutable(true)).isTrue();
        List<String> sample = Files.readAllLines(SAMPLE, StandardCharsets.UTF_8);
        // Two rounds of the generator: a start and a sample per session, then a sample each.
        int wanted = sample.size() + 3 * SESSIONS;

        ProcessBuilder builder =
                new ProcessBuilder("sh", SCRIPT.toString()).redirectErrorStream(true);
        builder.environment().put("KAFKA_BIN", bin.toString());
        builder.environment().put("SAMPLE", SAMPLE.toString());
        builder.environment().put("GENERATED_SESSIONS", String.valueOf(SESSIONS));
        builder.environment().put("PRODUCED", produced.toString());
        builder.redirectOutput(dir.resolve("script.log").toFile());
        Process script = builder.start();
        List<String> lines;
        try {
            lines = linesWhenAtLeast(produced, wanted, Duration.ofSeconds(60));
        } finally {
            script.descendants().forEach(ProcessHandle::destroy);
            script.destroy();
        }

        for (int i = 0; i < sample.size(); i++) {
            String line = lines.get(i);
            String key = line.substring(0, line.indexOf('|'));
            assertThat(line.substring(key.length() + 1)).isEqualTo(sample.get(i));
            assertThat(key)
                    .as("key of sample line %d", i + 1)
                    .isEqualTo(sessionIdOrNone(sample.get(i)));
        }
        Set<String> kinds = new TreeSet<>();
        for (String line : lines.subList(sample.size(), lines.size())) {
            String key = line.substring(0, line.indexOf('|'));
            ParseResult parsed =
                    CanonicalEventParser.parse(line.substring(key.length() + 1), "generated");
            assertThat(parsed.rejectReason()).as(line).isNull();
            assertThat(parsed.event().sessionId).isEqualTo(key);
            kinds.add(parsed.event().kind.name());
        }
        assertThat(kinds).contains("INTERACTION", "MEDIA_SAMPLE");
    }

    private static String sessionIdOrNone(String line) {
        try {
            JsonNode id = JSON.readTree(line).path("session_id");
            return id.isTextual() ? id.asText() : "none";
        } catch (IOException notJson) {
            // The sample's bad lines: the script finds a session_id in the text or sends "none".
            int at = line.indexOf("\"session_id\": \"");
            return at < 0 ? "none" : line.substring(at + 15, line.indexOf('"', at + 15));
        }
    }

    /**
     * The complete lines of {@code file} once there are {@code count}, polled until {@code
     * timeout}.
     */
    private static List<String> linesWhenAtLeast(Path file, int count, Duration timeout)
            throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        List<String> lines = List.of();
        while (System.nanoTime() < deadline) {
            if (Files.exists(file)) {
                String text = Files.readString(file, StandardCharsets.UTF_8);
                lines = text.lines().toList();
                if (!text.endsWith("\n") && !lines.isEmpty()) {
                    lines = lines.subList(0, lines.size() - 1); // a line still being written
                }
                if (lines.size() >= count) {
                    return lines;
                }
            }
            Thread.sleep(100); // the generator writes once a second; the count decides
        }
        throw new AssertionError("the producer sent " + lines.size() + " of " + count + " lines");
    }
}
