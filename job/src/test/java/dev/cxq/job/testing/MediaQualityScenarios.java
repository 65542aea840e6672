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
import java.util.Locale;
import java.util.function.LongFunction;

/**
 * Writes the media-quality scenarios of the contract as one JSON Lines file: one session per
 * scenario, a sample every 5 s, all sessions interleaved in event time and neighbours swapped when
 * less than 10 s apart (out of order within the watermark bound). Session ids name the scenario.
 */
public final class MediaQualityScenarios {

    private MediaQualityScenarios() {}

    /** After {@link ReplayInputs#START} and its sessions, so nothing of them is late here. */
    public static final Instant START = Instant.parse("2026-03-09T15:00:00Z");

    public static final List<String> SESSIONS =
            List.of(
                    "q-dip",
                    "q-critical",
                    "q-video",
                    "q-loss",
                    "q-flap",
                    "q-long",
                    "q-gap",
                    "q-disconnect",
                    "q-emodel",
                    "q-duplicate");

    private record Event(long second, String json) {}

    public static void write(Path file) throws IOException {
        List<Event> events = new ArrayList<>();
        session(events, "q-dip", 121, s -> s >= 20 && s <= 25 ? sample(2.0, 0.1) : healthy());
        session(events, "q-critical", 151, MediaQualityScenarios::critical);
        session(events, "q-video", 121, s -> s <= 60 ? video(4.0, 15) : video(4.0, 1500));
        session(events, "q-loss", 121, s -> s <= 60 ? sample(4.2, 5.0) : healthy());
        session(events, "q-flap", 301, s -> (s / 10) % 2 == 0 ? sample(2.0, 10.0) : healthy());
        session(events, "q-long", 701, s -> s <= 605 ? sample(2.0, 0.1) : healthy());
        session(events, "q-gap", 91, s -> s > 30 && s < 60 ? null : healthy());
        session(
                events,
                "q-disconnect",
                51,
                s ->
                        s >= 20 && s <= 25
                                ? "\"mos\":4.3,\"peer_state\":\"disconnected\""
                                : s == 30 ? "\"mos\":4.3,\"peer_state\":\"failed\"" : healthy());
        session(
                events,
                "q-emodel",
                61,
                s -> "\"rtt_ms\":400,\"jitter_ms\":30,\"packet_loss_pct\":1.0");
        int before = events.size();
        session(events, "q-duplicate", 151, MediaQualityScenarios::critical);
        // Every event of the duplicate scenario is delivered twice (a redelivery).
        events.addAll(new ArrayList<>(events.subList(before, events.size())));

        events.sort(Comparator.comparingLong(Event::second));
        for (int i = 0; i + 1 < events.size(); i += 2) {
            if (events.get(i + 1).second() - events.get(i).second() < 10) {
                Collections.swap(events, i, i + 1);
            }
        }
        try (Writer w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            for (Event e : events) {
                w.write(e.json());
                w.write('\n');
            }
        }
    }

    private static String critical(long s) {
        return s >= 10 && s <= 70 ? sample(2.8, 0.1) : healthy();
    }

    /** A call: connected at 0 s, a sample every 5 s from 5 s (null fields: none), completed. */
    private static void session(
            List<Event> out, String session, long completedAt, LongFunction<String> fields) {
        out.add(interaction(session, 0, "connected"));
        for (long s = session.equals("q-gap") ? 0 : 5; s < completedAt; s += 5) {
            String f = fields.apply(s);
            if (f != null) {
                out.add(
                        new Event(
                                s,
                                String.format(
                                        Locale.ROOT,
                                        "{\"event_id\":\"%s-m%d\",\"kind\":\"media_sample\","
                                                + "\"session_id\":\"%s\",\"ts\":\"%s\","
                                                + "\"agent_id\":\"agent-q\",%s}",
                                        session,
                                        s,
                                        session,
                                        ts(s),
                                        f)));
            }
        }
        out.add(interaction(session, completedAt, "completed"));
    }

    private static String healthy() {
        return sample(4.3, 0.1);
    }

    private static String sample(double mos, double loss) {
        return String.format(
                Locale.ROOT,
                "\"mos\":%.1f,\"packet_loss_pct\":%.1f,\"jitter_ms\":5,\"rtt_ms\":40",
                mos,
                loss);
    }

    private static String video(double mos, double bitrate) {
        return String.format(
                Locale.ROOT,
                "\"media\":\"video\",\"mos\":%.1f,\"bitrate_kbps\":%.0f,\"packet_loss_pct\":0.1",
                mos,
                bitrate);
    }

    private static Event interaction(String session, long second, String state) {
        return new Event(
                second,
                String.format(
                        "{\"event_id\":\"%s-%s\",\"kind\":\"interaction\",\"session_id\":\"%s\","
                                + "\"ts\":\"%s\",\"state\":\"%s\",\"agent_id\":\"agent-q\","
                                + "\"queue_id\":\"queue-q\"}",
                        session, state, session, ts(second), state));
    }

    public static String ts(long secondsAfterStart) {
        return START.plusSeconds(secondsAfterStart).toString();
    }
}
