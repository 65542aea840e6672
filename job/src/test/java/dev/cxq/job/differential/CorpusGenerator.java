package dev.cxq.job.differential;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;

/**
 * A seeded generator of realistic, mixed canonical input (JSON Lines, {@code docs/design.md}) of
 * any size, in ARRIVAL order: what a replayed file or a Kafka topic delivers.
 *
 * <p>Calls of every shape (voice, video with codec fallback and audio beside video, chat, transfers
 * to another agent, a sample straggling after the end, a recording before the call, abandoned,
 * missed, IVR self-service, external IVR transfer, calls that never end), holds, degradation
 * streaks just under and over the 30 s hysteresis, samples without MOS (E-model), media gaps (and
 * silences of exactly 15 s that are not gaps), disconnects, platform metrics on terminal events,
 * recordings uploaded, failed, uploaded hours later, after the SLA or never, repeat callers inside
 * and outside the 24 h FCR window, agents in several IANA zones (and some without a zone), calls
 * around the New York DST change of 2026-03-08, redeliveries (seconds and hours later),
 * out-of-order delivery within the watermark bound (at most {@link #MAX_JITTER_MS}) and far beyond
 * it (minutes), and invalid lines whose reject reasons are known ({@link #BAD_LINES}).
 *
 * <p>Event time starts at {@link #START} and spreads over more hours the more events are asked for,
 * so the number of concurrently open sessions stays small. Same seed and size, same lines.
 */
public final class CorpusGenerator {

    /** The first instant of the bulk traffic. */
    public static final Instant START = Instant.parse("2026-03-07T08:00:00Z");

    /** Within-bound delivery delay: clearly inside the job's 10 s watermark bound. */
    public static final long MAX_JITTER_MS = 8_000;

    /** Beyond-bound delivery delay: clearly behind the watermark whenever other traffic flows. */
    public static final long MIN_BEYOND_BOUND_MS = 3 * 60_000;

    /** Invalid lines and the reason each is rejected for. */
    public static final List<String[]> BAD_LINES =
            List.of(
                    new String[] {
                        "{\"event_id\": \"b1\", \"kind\": \"media_sample\"", "invalid_json"
                    },
                    new String[] {"[1, 2]", "not_a_json_object"},
                    new String[] {
                        "{\"event_id\":\"b2\",\"kind\":\"media_sample\",\"session_id\":\"\",\"ts\":\"2026-03-07T09:00:00Z\"}",
                        "empty_field:session_id"
                    },
                    new String[] {
                        "{\"event_id\":\"b3\",\"kind\":\"media_sample\",\"ts\":\"2026-03-07T09:00:00Z\"}",
                        "missing_field:session_id"
                    },
                    new String[] {
                        "{\"event_id\":\"b4\",\"kind\":\"media_sample\",\"session_id\":\"s\",\"ts\":\"2026-03-07T09:00:00\"}",
                        "timestamp_without_offset"
                    },
                    new String[] {
                        "{\"event_id\":\"b5\",\"kind\":\"media_sample\",\"session_id\":\"s\",\"ts\":\"2026-03-07T09:00:00Z\",\"mos\":7}",
                        "out_of_range:mos"
                    },
                    new String[] {
                        "{\"event_id\":\"b6\",\"kind\":\"media_sample\",\"session_id\":\"s\",\"ts\":\"2026-03-07T09:00:00Z\",\"packet_loss_pct\":\"high\"}",
                        "wrong_type:packet_loss_pct"
                    },
                    new String[] {
                        "{\"event_id\":\"b7\",\"kind\":\"screen_share\",\"session_id\":\"s\",\"ts\":\"2026-03-07T09:00:00Z\"}",
                        "unknown_value:kind"
                    },
                    new String[] {
                        "{\"event_id\":\"b8\",\"kind\":\"interaction\",\"session_id\":\"s\",\"ts\":\"2026-03-07T09:00:00Z\",\"state\":\"paused\"}",
                        "unknown_value:state"
                    });

    private static final String[] ZONES = {
        "America/New_York",
        "Europe/Berlin",
        "Asia/Kolkata",
        "America/Los_Angeles",
        "Australia/Sydney",
        "UTC",
        null
    };

    private static final DateTimeFormatter PLUS_ONE =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ssxxx").withZone(ZoneOffset.ofHours(1));

    private static final long SECOND = 1_000;
    private static final long MINUTE = 60 * SECOND;
    private static final long HOUR = 60 * MINUTE;

    private final SplittableRandom random;
    private final List<Line> lines = new ArrayList<>();
    private final long spanMs;
    private final int agents;
    private final int customers;
    private int events;
    private int sessions;

    private CorpusGenerator(long seed, int targetEvents) {
        this.random = new SplittableRandom(seed);
        this.spanMs = Math.max(6 * HOUR, targetEvents * 150L);
        this.agents = Math.max(8, targetEvents / 2_500);
        this.customers = Math.max(20, targetEvents / 60);
    }

    /** About {@code targetEvents} lines (at least the fixed scenarios), in arrival order. */
    public static List<String> generate(long seed, int targetEvents) {
        CorpusGenerator generator = new CorpusGenerator(seed, targetEvents);
        generator.fixedScenarios();
        while (generator.events < targetEvents) {
            generator.call(
                    START.toEpochMilli() + generator.random.nextLong(generator.spanMs),
                    generator.customer(),
                    generator.random.nextInt(100));
        }
        generator.badLines(Math.max(1, targetEvents / 2_000));
        generator.lines.sort(
                Comparator.comparingLong((Line line) -> line.arrival)
                        .thenComparingInt(line -> line.seq));
        List<String> out = new ArrayList<>(generator.lines.size());
        generator.lines.forEach(line -> out.add(line.json));
        return out;
    }

    /** Calls at chosen instants: the DST change in New York, and one repeat caller each way. */
    private void fixedScenarios() {
        long dstDay = Instant.parse("2026-03-08T12:30:00Z").toEpochMilli();
        // 07:30 EST (outside business hours) and, the day after the change, 08:30 EDT (inside).
        call(dstDay - 24 * HOUR, "cust-dst-1", 0, "America/New_York");
        call(dstDay, "cust-dst-2", 0, "America/New_York");
        // A session across the change itself: 01:55 EST to after 03:00 EDT.
        call(Instant.parse("2026-03-08T06:55:00Z").toEpochMilli(), "cust-dst-3", 0, null);
        long base = START.toEpochMilli() + HOUR;
        call(base, "cust-repeat-inside", 0, null);
        call(base + 3 * HOUR, "cust-repeat-inside", 0, null);
        call(base + 20 * MINUTE, "cust-repeat-outside", 0, null);
        call(base + 27 * HOUR, "cust-repeat-outside", 0, null);
    }

    private String customer() {
        return random.nextInt(10) == 0 ? null : "cust-" + random.nextInt(customers);
    }

    private void call(long start, String customer, int shape) {
        call(start, customer, shape, null);
        // A repeat caller: again within the FCR window or just after it.
        if (customer != null && random.nextInt(20) == 0) {
            long later =
                    random.nextBoolean()
                            ? 30 * MINUTE + random.nextLong(20 * HOUR)
                            : 25 * HOUR + random.nextLong(3 * HOUR);
            call(start + later, customer, random.nextInt(100), null);
        }
    }

    /**
     * One session. {@code shape} (0-99) picks the outcome: mostly completed voice and video calls,
     * then chats, abandoned, missed, IVR self-service and calls without a terminal event.
     */
    private void call(long start, String customer, int shape, String zoneOrNull) {
        Session s = new Session("s" + (sessions++), start, customer);
        int agentIndex = random.nextInt(agents);
        String agent = "agent-" + agentIndex;
        // Each agent works in one zone; some agents' events carry none (the default applies).
        s.zone = zoneOrNull != null ? zoneOrNull : ZONES[agentIndex % ZONES.length];
        s.queue = "queue-" + random.nextInt(6);
        s.recordingRequired = random.nextInt(5) < 3;
        String channel =
                shape < 65 ? "voice" : shape < 80 ? "video" : shape < 86 ? "chat" : "voice";
        long t = start;
        if (random.nextInt(60) == 0) {
            // A recording before the interaction's first event cannot be attributed.
            s.recording(t - 5 * SECOND, "started");
        }
        s.interaction(t, "queued", null, channel, null, false);
        if (shape >= 86 && shape < 90) {
            t += sec(5, 60);
            s.interaction(t, "ivr", null, channel, null, false);
            t += sec(10, 120);
            s.interaction(t, "abandoned", null, channel, null, false);
            return;
        }
        if (shape >= 90 && shape < 93) {
            t += sec(20, 300);
            s.interaction(t, "missed", null, channel, null, false);
            return;
        }
        if (shape >= 93 && shape < 96) {
            t += sec(5, 30);
            s.interaction(t, "ivr", null, channel, null, false);
            t += sec(30, 240);
            s.interaction(t, "completed", null, channel, "IVR_SELF_SERVICE", false);
            return;
        }
        boolean endless = shape >= 96;
        if (random.nextInt(5) == 0) {
            t += sec(3, 20);
            s.interaction(t, "ivr", null, channel, null, false);
        }
        t += sec(5, 120);
        s.interaction(t, "connected", agent, channel, null, false);
        long talkEnd = t + sec(40, 900);
        if (!channel.equals("chat")) {
            s.recording(t + 2 * SECOND, "started");
            // On the samples' grid: some transitions land exactly on a media-gap deadline.
            t = media(s, agent, channel.equals("video"), t, talkEnd);
        } else {
            t = talkEnd;
        }
        if (endless) {
            return;
        }
        if (random.nextInt(12) == 0) {
            s.interaction(t, "transferred", agent, channel, null, false);
            // Half the transfers go to another agent: alerts before and after name different
            // agents, the session and its KPIs the last one.
            if (random.nextBoolean()) {
                agent = "agent-" + random.nextInt(agents);
            }
            t += sec(5, 30);
            s.interaction(t, "connected", agent, channel, null, false);
            t += sec(20, 120);
        }
        String disposition =
                random.nextInt(30) == 0
                        ? "IVR_TRANSFER_EXTERNAL"
                        : random.nextBoolean() ? "RESOLVED" : null;
        s.interaction(t, "wrapup", agent, channel, disposition, false);
        t += sec(5, 150);
        s.interaction(t, "completed", agent, channel, null, random.nextInt(5) == 0);
        if (!channel.equals("chat")) {
            recordingOutcome(s, t);
            if (random.nextInt(40) == 0) {
                // A straggler after the end: ignored, it must not open a second session.
                s.sample(t + 10 * SECOND, agent, false, -1, false, null);
            }
        }
    }

    /**
     * Samples every 5 s from {@code from} to {@code to}, with holds, degradation streaks, gaps and
     * disconnects; returns when the talk ends.
     */
    private long media(Session s, String agent, boolean video, long from, long to) {
        boolean eModel = random.nextInt(10) == 0;
        boolean audioBesideVideo = video && random.nextBoolean();
        int samples = (int) ((to - from) / (5 * SECOND));
        int streakAt = random.nextInt(3) == 0 ? random.nextInt(Math.max(1, samples)) : -1;
        int[] streakLengths = {2, 5, 6, 7, 8, 12, 40};
        int streakLength = streakLengths[random.nextInt(streakLengths.length)];
        int streakKind = random.nextInt(video ? 4 : 3);
        int holdAt = random.nextInt(4) == 0 ? random.nextInt(Math.max(1, samples)) : -1;
        int gapAt = random.nextInt(10) == 0 ? random.nextInt(Math.max(1, samples)) : -1;
        int gapSamples = random.nextInt(3) == 0 ? 2 : 4 + random.nextInt(6);
        int disconnectAt = random.nextInt(18) == 0 ? random.nextInt(Math.max(1, samples)) : -1;
        int disconnectLength = 1 + random.nextInt(3);
        long t = from + SECOND;
        for (int i = 0; i < samples; i++, t += 5 * SECOND) {
            if (i == holdAt) {
                s.interaction(t - 2 * SECOND, "hold", agent, null, null, false);
                t += sec(20, 90);
                s.interaction(t - 2 * SECOND, "unhold", agent, null, null, false);
            }
            if (gapAt >= 0 && i > gapAt && i <= gapAt + gapSamples) {
                continue;
            }
            boolean degraded = streakAt >= 0 && i >= streakAt && i < streakAt + streakLength;
            String peer = null;
            if (disconnectAt >= 0 && i >= disconnectAt && i <= disconnectAt + disconnectLength) {
                peer =
                        i == disconnectAt + disconnectLength
                                ? "connected"
                                : random.nextBoolean() ? "disconnected" : "failed";
            }
            s.sample(t, agent, video, degraded ? streakKind : -1, eModel, peer);
            if (audioBesideVideo) {
                s.sample(t, agent, false, -1, eModel, null);
            }
        }
        return t;
    }

    /** After the call: uploaded soon, failed, uploaded within the SLA, after it, or never. */
    private void recordingOutcome(Session s, long end) {
        int outcome = random.nextInt(20);
        if (outcome < 11) {
            s.recording(end + sec(10, 300), "uploaded");
        } else if (outcome < 13) {
            s.recording(end + sec(30, 120), "failed");
        } else if (outcome < 15) {
            s.recording(end + 5 * SECOND, "pending");
            s.recording(end + HOUR + random.nextLong(2 * HOUR), "uploaded");
        } else if (outcome < 17) {
            s.recording(end + 5 * SECOND, "pending");
            s.recording(end + 5 * HOUR + random.nextLong(HOUR), "uploaded");
        } else {
            s.recording(end + 5 * SECOND, "pending");
        }
    }

    private void badLines(int copies) {
        for (int i = 0; i < copies; i++) {
            for (String[] bad : BAD_LINES) {
                long arrival = START.toEpochMilli() + random.nextLong(spanMs);
                lines.add(new Line(arrival, lines.size(), bad[0]));
            }
        }
    }

    private long sec(int min, int max) {
        return (min + random.nextInt(max - min + 1)) * SECOND;
    }

    /** Adds one event's line, with its delivery: on time, a little late, far too late, twice. */
    private void emit(long ts, String json) {
        events++;
        int roll = random.nextInt(1000);
        long arrival = ts;
        if (roll < 300) {
            arrival += random.nextLong(MAX_JITTER_MS + 1);
        } else if (roll < 304) {
            arrival += MIN_BEYOND_BOUND_MS + random.nextLong(12 * MINUTE);
        }
        lines.add(new Line(arrival, lines.size(), json));
        int redeliver = random.nextInt(1000);
        if (redeliver < 12) {
            lines.add(new Line(arrival + 500 + random.nextLong(60 * SECOND), lines.size(), json));
        } else if (redeliver < 16) {
            lines.add(new Line(arrival + HOUR + random.nextLong(5 * HOUR), lines.size(), json));
        }
    }

    private String ts(long millis) {
        // Mostly UTC, a few with an offset: the same instant either way.
        return random.nextInt(40) == 0
                ? PLUS_ONE.format(Instant.ofEpochMilli(millis))
                : Instant.ofEpochMilli(millis).toString();
    }

    private static String number(double value) {
        return Double.toString(Math.round(value * 100) / 100.0);
    }

    /** The events of one session. */
    private final class Session {
        final String id;
        final String customer;
        String queue;
        String zone;
        boolean recordingRequired;
        int seq;

        Session(String id, long start, String customer) {
            this.id = id;
            this.customer = customer;
        }

        private StringBuilder head(String kind, long ts) {
            return new StringBuilder(200)
                    .append("{\"event_id\":\"")
                    .append(id)
                    .append('-')
                    .append(seq++)
                    .append("\",\"kind\":\"")
                    .append(kind)
                    .append("\",\"session_id\":\"")
                    .append(id)
                    .append("\",\"ts\":\"")
                    .append(ts(ts))
                    .append('"');
        }

        void interaction(
                long ts,
                String state,
                String agent,
                String channel,
                String disposition,
                boolean platformMetrics) {
            StringBuilder json = head("interaction", ts).append(",\"state\":\"").append(state);
            json.append('"');
            text(json, "agent_id", agent);
            text(json, "queue_id", queue);
            text(json, "customer_id", customer);
            text(json, "agent_timezone", agent == null ? null : zone);
            text(json, "disposition", disposition);
            text(json, "channel", channel);
            json.append(",\"recording_required\":").append(recordingRequired);
            if (platformMetrics) {
                json.append(",\"metrics\":{\"talk_ms\":")
                        .append(sec(30, 900))
                        .append(",\"hold_ms\":")
                        .append(sec(0, 60))
                        .append(",\"wrap_ms\":")
                        .append(sec(5, 120));
                if (random.nextBoolean()) {
                    json.append(",\"queue_wait_ms\":").append(sec(1, 90));
                }
                json.append('}');
            }
            if (random.nextInt(30) == 0) {
                // Producers add fields; an optional field set to null counts as absent.
                json.append(",\"sdk_version\":\"4.2.1\",\"customer_tier\":null");
            }
            emit(ts, json.append('}').toString());
        }

        /**
         * One sample; {@code degradation} -1 healthy, 0 low MOS (critical or mixed), 1 packet loss,
         * 2 missing MOS with bad latency (E-model), 3 video codec fallback.
         */
        void sample(
                long ts,
                String agent,
                boolean video,
                int degradation,
                boolean eModel,
                String peerState) {
            StringBuilder json = head("media_sample", ts);
            if (video || random.nextBoolean()) {
                json.append(",\"media\":\"").append(video ? "video" : "audio").append('"');
            }
            double mos = 4.0 + random.nextDouble() * 0.5;
            double loss = random.nextDouble() * 0.8;
            double rtt = 30 + random.nextDouble() * 60;
            double jitter = 2 + random.nextDouble() * 10;
            double bitrate =
                    video ? 1200 + random.nextDouble() * 800 : 32 + random.nextDouble() * 32;
            boolean withMos = !eModel;
            switch (degradation) {
                case 0 ->
                        mos =
                                random.nextInt(3) == 0
                                        ? 3.25 + random.nextDouble() * 0.2
                                        : 1.5 + random.nextDouble() * 1.6;
                case 1 -> loss = 2.5 + random.nextDouble() * 8;
                case 2 -> {
                    withMos = false;
                    rtt = 380 + random.nextDouble() * 60;
                    jitter = 25 + random.nextDouble() * 10;
                    loss = 1.0;
                }
                case 3 -> {
                    mos = 4.0;
                    bitrate = 15;
                }
                default -> {}
            }
            if (withMos) {
                json.append(",\"mos\":").append(number(mos));
            }
            if (random.nextInt(25) != 0 || !withMos) {
                json.append(",\"jitter_ms\":").append(number(jitter));
                json.append(",\"rtt_ms\":").append(number(rtt));
                json.append(",\"packet_loss_pct\":").append(number(loss));
            }
            json.append(",\"bitrate_kbps\":").append(number(bitrate));
            text(json, "peer_state", peerState);
            text(json, "agent_id", agent);
            emit(ts, json.append('}').toString());
        }

        void recording(long ts, String status) {
            StringBuilder json = head("recording", ts);
            text(json, "recording_id", "rec-" + id);
            text(json, "media", "screen");
            text(json, "status", status);
            emit(ts, json.append('}').toString());
        }

        private void text(StringBuilder json, String field, String value) {
            if (value != null) {
                json.append(",\"").append(field).append("\":\"").append(value).append('"');
            }
        }
    }

    private record Line(long arrival, int seq, String json) {}
}
