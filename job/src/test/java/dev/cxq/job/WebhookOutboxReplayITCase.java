package dev.cxq.job;

import dev.cxq.job.cli.ConfigurationErrorsTest;
import dev.cxq.job.cli.ConfigurationErrorsTest.Outcome;
import dev.cxq.job.testing.FreePorts;
import dev.cxq.job.testing.PostgresTestDatabase;
import dev.cxq.job.testing.ReplayInputs;
import dev.cxq.job.testing.WebhookReceiver;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The case: a bounded replay of 1,000 generated sessions with {@code --webhook-url} at a
 * port that refuses connections. The replay finishes, reports its transitions as queued and leaves
 * them in the outbox; {@code --deliver --deliver-until-drained} delivers each once, oldest first,
 * once the endpoint is up. With the database and with the file output.
 */
class WebhookOutboxReplayITCase {

    private static final int SESSIONS = 1000;
    private static final int SAMPLES = 12;

    @TempDir Path dir;

    private Path input() throws IOException {
        Path input = dir.resolve("sessions.jsonl");
        ReplayInputs.writeMixed(input, SESSIONS, SAMPLES);
        return input;
    }

    @Test
    void aReplayWithTheEndpointDownFinishesAndDeliverSendsItsQueueLater() throws Exception {
        Path input = input();
        int port = FreePorts.freePort();
        String url = WebhookReceiver.url(port);
        try (PostgresTestDatabase db = new PostgresTestDatabase()) {
            List<String> database =
                    List.of("--jdbc-url", db.url(), "--jdbc-user", PostgresTestDatabase.USER);
            long started = System.nanoTime();
            Outcome replay =
                    run(
                            concat(
                                    List.of("--input", input.toString(), "--webhook-url", url),
                                    database));
            long replayMs = (System.nanoTime() - started) / 1_000_000;
            List<String> received;

            Set<String> transitions = db.alertTransitionKeys();
            assertThat(replay.exitCode()).isZero();
            assertThat(transitions).hasSizeGreaterThan(100);
            assertThat(db.queryLong("SELECT count(*) FROM webhook_outbox"))
                    .isEqualTo(transitions.size());
            assertThat(replay.stdout()).contains(transitions.size() + " queued");
            assertThat(
                            db.queryLong(
                                    "SELECT count(*) FROM webhook_deliveries WHERE delivered_at IS NOT NULL"))
                    .isZero();

            try (WebhookReceiver receiver = WebhookReceiver.start(port)) {
                Outcome deliver =
                        run(
                                concat(
                                        List.of(
                                                "--deliver",
                                                "--deliver-until-drained",
                                                "--webhook-url",
                                                url),
                                        database));
                assertThat(deliver.exitCode()).isZero();
                assertThat(deliver.stdout())
                        .contains(transitions.size() + " delivered", "0 queued");
                received = receiver.received();
            }
            assertThat(received).doesNotHaveDuplicates();
            assertThat(Set.copyOf(received)).isEqualTo(transitions);
            assertThat(received).containsExactlyElementsOf(db.outboxOldestFirst());
            System.out.printf(
                    "Bounded replay with the endpoint down: %d sessions, %d transitions queued,"
                            + " replay %d ms; --deliver sent each once, oldest first%n",
                    SESSIONS, transitions.size(), replayMs);
        }
    }

    @Test
    void theFileOutputQueuesTooAndDeliverReadsItsOutbox() throws Exception {
        Path input = input();
        Path output = dir.resolve("out");
        int port = FreePorts.freePort();
        String url = WebhookReceiver.url(port);

        Outcome replay =
                run(
                        List.of(
                                "--input",
                                input.toString(),
                                "--output-dir",
                                output.toString(),
                                "--webhook-url",
                                url));

        assertThat(replay.exitCode()).isZero();
        List<String> queued = outboxKeys(output);
        assertThat(queued).hasSizeGreaterThan(100).doesNotHaveDuplicates();
        assertThat(replay.stdout()).contains(queued.size() + " queued");

        try (WebhookReceiver receiver = WebhookReceiver.start(port)) {
            List<String> deliver =
                    List.of(
                            "--deliver",
                            "--deliver-until-drained",
                            "--output-dir",
                            output.toString(),
                            "--webhook-url",
                            url);
            assertThat(run(deliver).stdout()).contains(queued.size() + " delivered");
            // A second worker finds everything settled.
            assertThat(run(deliver).stdout()).contains("0 delivered", "0 queued");
            // Each once, and in the order of the outbox files' event times.
            assertThat(receiver.received()).containsExactlyInAnyOrderElementsOf(queued);
        }
    }

    private static List<String> outboxKeys(Path output) throws IOException {
        List<String> keys = new ArrayList<>();
        try (Stream<Path> files = Files.walk(output.resolve("webhook_outbox"))) {
            for (Path file :
                    files.filter(p -> p.getFileName().toString().startsWith("part")).toList()) {
                for (String line : Files.readAllLines(file)) {
                    keys.add(line.replaceAll(".*\"idempotency_key\":\"([^\"]+)\".*", "$1"));
                }
            }
        }
        return keys;
    }

    private static Outcome run(List<String> args) {
        return ConfigurationErrorsTest.run(Map.of(), args.toArray(String[]::new));
    }

    private static List<String> concat(List<String> a, List<String> b) {
        List<String> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }
}
