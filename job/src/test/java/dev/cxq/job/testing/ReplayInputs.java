package dev.cxq.job.testing;

import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Random;

/** Writes deterministic JSON Lines inputs for the replay tests. */
public final class ReplayInputs {

    private ReplayInputs() {}

    public static final Instant START = Instant.parse("2026-03-09T14:00:00Z");

    /** The bad lines of {@link #writeMixed} with the reason each must be rejected for. */
    public static final List<String[]> BAD_LINES =
            List.of(
                    new String[] {
                        "{\"event_id\": \"b1\", \"kind\": \"media_sample\"", "invalid_json"
                    },
                    new String[] {"[1, 2]", "not_a_json_object"},
                    new String[] {
                        "{\"event_id\":\"b2\",\"kind\":\"media_sample\",\"session_id\":\"\",\"ts\":\"2026-03-09T14:00:00Z\"}",
                        "empty_field:session_id"
                    },
                    new String[] {
                        "{\"event_id\":\"b3\",\"kind\":\"media_sample\",\"ts\":\"2026-03-09T14:00:00Z\"}",
                        "missing_field:session_id"
                    },
                    new String[] {
                        "{\"event_id\":\"b4\",\"kind\":\"media_sample\",\"session_id\":\"s\",\"ts\":\"2026-03-09T14:00:00\"}",
                        "timestamp_without_offset"
                    },
                    new String[] {
                        "{\"event_id\":\"b5\",\"kind\":\"media_sample\",\"session_id\":\"s\",\"ts\":\"2026-03-09T14:00:00Z\",\"mos\":7}",
                        "out_of_range:mos"
                    },
                    new String[] {
                        "{\"event_id\":\"b6\",\"kind\":\"media_sample\",\"session_id\":\"s\",\"ts\":\"2026-03-09T14:00:00Z\",\"packet_loss_pct\":\"high\"}",
                        "wrong_type:packet_loss_pct"
                    },
                    new String[] {
                        "{\"event_id\":\"b7\",\"kind\":\"screen_share\",\"session_id\":\"s\",\"ts\":\"2026-03-09T14:00:00Z\"}",
                        "unknown_value:kind"
                    },
                    new String[] {
                        "{\"event_id\":\"b8\",\"kind\":\"interaction\",\"session_id\":\"s\",\"ts\":\"2026-03-09T14:00:00Z\",\"state\":\"paused\"}",
                        "unknown_value:state"
                    });

    /**
     * A long stream for the failure tests: {@link #writeMixed} sessions plus {@link
     * InteractionInputs}, merged into event-time order within the watermark bound, so which events
     * are late does not depend on how fast the source reads. Returns {@code dir/stream.jsonl}.
     */
    public static Path writeOrderedStream(Path dir, int sessions, int samplesPerSession)
            throws IOException {
        Path samples = dir.resolve("samples.jsonl");
        writeMixed(samples, sessions, samplesPerSession);
        Path interactions = dir.resolve("interactions.jsonl");
        InteractionInputs.append(interactions);
        Path input = dir.resolve("stream.jsonl");
        TimeOrderedMerge.merge(input, samples, interactions);
        return input;
    }

    /**
     * {@link #writeMixed} sessions followed by {@link InteractionInputs} (the input of {@code
     * ReplayITCase}), merged in event-time order with the {@link MediaQualityScenarios}: every kind
     * of input and of output row. Returns {@code dir/with-quality.jsonl}.
     */
    public static Path writeMixedWithQualityScenarios(Path dir, int sessions, int samplesPerSession)
            throws IOException {
        Path mixed = dir.resolve("mixed.jsonl");
        writeMixed(mixed, sessions, samplesPerSession);
        InteractionInputs.append(mixed);
        Path qualityScenarios = dir.resolve("quality-scenarios.jsonl");
        MediaQualityScenarios.write(qualityScenarios);
        Path input = dir.resolve("with-quality.jsonl");
        TimeOrderedMerge.merge(input, mixed, qualityScenarios);
        return input;
    }

    /**
     * {@code sessions} voice sessions with a sample every 5 s, interleaved in event-time order and
     * delivered out of order by swapping neighbours (a few seconds, within the watermark bound);
     * every third session has no terminal event (it ends by inactivity). The bad lines are spread
     * through the file. Returns the number of valid samples per session.
     */
    public static int writeMixed(Path file, int sessions, int samplesPerSession)
            throws IOException {
        Random random = new Random(42);
        List<String> all = new ArrayList<>();
        for (int s = 0; s < sessions; s++) {
            String session = "sess-" + s;
            long offset = s * 7L;
            List<String> events = new ArrayList<>();
            events.add(interaction(session, offset, "connected", s));
            for (int i = 1; i <= samplesPerSession; i++) {
                double mos = 3.0 + (random.nextInt(20) / 10.0);
                double loss = random.nextInt(50) / 10.0;
                events.add(
                        String.format(
                                "{\"event_id\":\"%s-m%d\",\"kind\":\"media_sample\",\"session_id\":\"%s\","
                                        + "\"ts\":\"%s\",\"mos\":%.1f,\"packet_loss_pct\":%.1f,"
                                        + "\"jitter_ms\":6,\"rtt_ms\":50,\"agent_id\":\"agent-%d\"}",
                                session, i, session, ts(offset + 5L * i), mos, loss, s % 3));
            }
            if (s % 3 != 2) {
                events.add(
                        interaction(session, offset + 5L * samplesPerSession + 3, "completed", s));
            }
            all.addAll(events);
        }
        // Sessions overlap in time: one after the other they would be minutes out of order.
        all.sort(Comparator.comparing(ReplayInputs::tsOf));
        List<String> lines = jitter(all, random);
        for (int i = 0; i < BAD_LINES.size(); i++) {
            lines.add((i * 37) % lines.size(), BAD_LINES.get(i)[0]);
        }
        try (Writer w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            for (String line : lines) {
                w.write(line);
                w.write('\n');
            }
        }
        return samplesPerSession;
    }

    /** Swaps neighbours so that events arrive out of order by at most one sample interval. */
    private static List<String> jitter(List<String> events, Random random) {
        List<String> out = new ArrayList<>(events);
        for (int i = 1; i + 1 < out.size(); i += 2) {
            if (random.nextBoolean()) {
                Collections.swap(out, i, i + 1);
            }
        }
        return out;
    }

    private static String interaction(String session, long seconds, String state, int s) {
        return String.format(
                "{\"event_id\":\"%s-%s\",\"kind\":\"interaction\",\"session_id\":\"%s\",\"ts\":\"%s\","
                        + "\"state\":\"%s\",\"agent_id\":\"agent-%d\",\"queue_id\":\"q-%d\"}",
                session, state, session, ts(seconds), state, s % 3, s % 2);
    }

    private static String tsOf(String line) {
        int start = line.indexOf("\"ts\":\"") + "\"ts\":\"".length();
        return line.substring(start, line.indexOf('"', start));
    }

    private static String ts(long secondsAfterStart) {
        return START.plusSeconds(secondsAfterStart).toString();
    }
}
