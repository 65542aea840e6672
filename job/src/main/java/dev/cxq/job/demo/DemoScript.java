package dev.cxq.job.demo;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.Serializable;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.PriorityQueue;
import java.util.SplittableRandom;

/**
 * The sessions of the demo: a pure, deterministic function of a seed, a number of concurrent
 * session slots and an origin instant. Each slot is one agent position taking calls back to back;
 * every call is drawn from its own random stream (seed, slot, call), so any slot can be generated
 * alone and a split of slots always yields the same events, whatever the parallelism.
 *
 * <p>Event time follows the wall clock: a call's events are stamped on the timeline that starts at
 * the origin, one media sample per connected session every 5 s. The first call of slots 0 to {@link
 * #SCRIPTED_SLOTS}{@code - 1} plays a scripted incident (see {@code docs/demo.md}), all within the
 * first 45 s of event time; the other calls draw their incidents at random, at realistic rates.
 *
 * <p>Deliberate disorder, to show how the job copes with it: 3% of the samples are delivered 1 to 8
 * s after their event time (within the 10 s watermark bound, so they count normally); 1% of the
 * interaction events are delivered a second time (same {@code event_id}, dropped by the dedup); one
 * scripted sample is delivered 40 s late, behind the watermark, and lands in {@code late_events}.
 * "Late" recording uploads are late in the business sense: they arrive tens of seconds to minutes
 * after the interaction ended, so its {@code recording_status} row first says {@code pending} and
 * is then updated.
 */
public final class DemoScript implements Serializable {

    private static final long serialVersionUID = 1L;

    public static final long SAMPLE_INTERVAL_MS = 5_000;

    /** Slots whose first call plays a scripted incident; a demo needs at least this many slots. */
    public static final int SCRIPTED_SLOTS = 13;

    /** How late the scripted straggler sample is delivered (beyond the 10 s watermark bound). */
    static final long STRAGGLER_DELAY_MS = 40_000;

    static final String REPEAT_CUSTOMER = "cust-repeat-1";

    private static final List<String> QUEUES =
            List.of("q-sales", "q-support", "q-billing", "q-retention");

    /** Agents' zones: at any hour some of them are outside 08:00-18:00 local time. */
    static final List<String> ZONES =
            List.of(
                    "America/Los_Angeles",
                    "America/New_York",
                    "Europe/London",
                    "Europe/Berlin",
                    "Asia/Kolkata",
                    "Asia/Tokyo",
                    "Australia/Sydney");

    private static final List<String> DISPOSITIONS =
            List.of("RESOLVED", "RESOLVED", "RESOLVED", "FOLLOW_UP", "ESCALATED", "SALE");

    private final long seed;
    private final int slots;
    private final long originMs;
    private final String runTag;

    /**
     * @param slots concurrent sessions, at least {@link #SCRIPTED_SLOTS}
     * @param originMs epoch milliseconds of the script's time zero
     */
    public DemoScript(long seed, int slots, long originMs) {
        if (slots < SCRIPTED_SLOTS) {
            throw new IllegalArgumentException(
                    "the demo needs at least " + SCRIPTED_SLOTS + " sessions, got " + slots);
        }
        this.seed = seed;
        this.slots = slots;
        this.originMs = originMs;
        // Session ids carry the run's origin, so two demo runs into one database never collide.
        this.runTag = Long.toString(originMs / 1000, 36);
    }

    public int slots() {
        return slots;
    }

    public long originMs() {
        return originMs;
    }

    /** The events of one slot, in {@link ScriptedEvent#EMISSION_ORDER}, without end. */
    public Iterator<ScriptedEvent> slot(int slot) {
        if (slot < 0 || slot >= slots) {
            throw new IllegalArgumentException("no slot " + slot + " among " + slots);
        }
        return new SlotTimeline(slot);
    }

    /** The session id of a slot's call. */
    String sessionId(int slot, int call) {
        return "demo-" + runTag + "-" + slot + "-" + call;
    }

    static String agentId(int slot) {
        return String.format("agent-%04d", slot);
    }

    /** A zone in which the origin lies outside 08:00-18:00, for the scripted off-hours call. */
    String offHoursZone() {
        for (String zone : ZONES) {
            int hour = Instant.ofEpochMilli(originMs).atZone(ZoneId.of(zone)).getHour();
            if (hour < 8 || hour >= 18) {
                return zone;
            }
        }
        throw new IllegalStateException("every demo zone is in business hours");
    }

    private String zoneOf(int slot) {
        if (slot == 12) {
            return offHoursZone();
        }
        return ZONES.get(new SplittableRandom(mix(seed, slot, -1)).nextInt(ZONES.size()));
    }

    private static long mix(long seed, long slot, long call) {
        long h = seed * 0x9E3779B97F4A7C15L + slot;
        h = h * 0xBF58476D1CE4E5B9L + call;
        return h ^ (h >>> 31);
    }

    private static long seconds(SplittableRandom r, int from, int to) {
        return r.nextLong(from * 1000L, to * 1000L + 1);
    }

    private static double round2(double v) {
        return Math.round(v * 100) / 100.0;
    }

    /** Media condition of one sample. */
    enum Condition {
        HEALTHY,
        /** MOS 3.25-3.45: degraded, but not every MOS below the 3.2 critical bound. */
        HIGH,
        /** MOS 2.6-3.1 with 3-6% packet loss. */
        CRITICAL,
        /** Video bitrate collapsed to ~15 kbps while MOS stays near 4: a codec fallback. */
        CODEC_FALLBACK,
        /** One bad sample: a cellular handoff, which must not alert. */
        DIP,
        DISCONNECTED
    }

    enum Upload {
        ON_TIME,
        FAILED,
        /** {@code pending} right after the end, {@code uploaded} much later. */
        LATE,
        /** Nothing arrives: {@code missing} once the 4 h SLA has passed. */
        NONE
    }

    /** One call of an agent: what it does, drawn at random or scripted. */
    private static final class Call {
        long ivrAt = -1;
        long queuedAt = -1;
        long connectedAt;
        long holdAt = -1;
        long unholdAt = -1;
        long talkEnd;
        long completedAt;
        boolean video;
        boolean recordingRequired;
        String queue;
        String customer;
        String disposition;
        Condition incident = Condition.HEALTHY;
        long incidentFrom;
        long incidentTo;
        long gapFrom = -1;
        long gapTo = -1;
        long disconnectAt = -1;
        long stragglerAt = -1;
        Upload upload = Upload.ON_TIME;
        long uploadDelay;
    }

    /** Generates a slot's calls one after the other and hands out their events in order. */
    private final class SlotTimeline implements Iterator<ScriptedEvent> {

        private final int slot;
        private final String agent;
        private final String zone;
        private final long phaseMs;
        private final PriorityQueue<ScriptedEvent> queue =
                new PriorityQueue<>(ScriptedEvent.EMISSION_ORDER);
        private long nextSeq;
        private int callIndex;
        private long nextCallStart;

        SlotTimeline(int slot) {
            this.slot = slot;
            this.agent = agentId(slot);
            this.zone = zoneOf(slot);
            // Samples of different slots are spread over the 5 s interval: a smooth event rate.
            this.phaseMs = (slot * 997L) % SAMPLE_INTERVAL_MS;
            this.nextCallStart = originMs;
        }

        @Override
        public boolean hasNext() {
            return true;
        }

        @Override
        public ScriptedEvent next() {
            // Every event of a call is emitted at or after the call's start.
            while (queue.isEmpty() || queue.peek().emitAt() >= nextCallStart) {
                generateCall();
            }
            return queue.poll();
        }

        private void generateCall() {
            SplittableRandom r = new SplittableRandom(mix(seed, slot, callIndex));
            Writer w = new Writer(sessionId(slot, callIndex), r);
            long end;
            if (callIndex == 0 && slot == 6) {
                end = ivrCall(w, originMs + 2_000, originMs + 24_000, "IVR_SELF_SERVICE");
            } else if (callIndex == 0 && slot < SCRIPTED_SLOTS) {
                end = talkCall(w, r, scriptedCall(r));
            } else if (r.nextDouble() < 0.06) {
                long start = nextCallStart;
                end =
                        ivrCall(
                                w,
                                start,
                                start + seconds(r, 20, 90),
                                r.nextBoolean() ? "IVR_SELF_SERVICE" : "IVR_TRANSFER_EXTERNAL");
            } else {
                end = talkCall(w, r, randomCall(r, callIndex == 0));
            }
            for (PendingEvent event : w.events) {
                queue.add(event.render());
            }
            nextCallStart = end + seconds(r, 2, 15);
            callIndex++;
        }

        private long ivrCall(Writer w, long start, long end, String disposition) {
            w.interaction(start, "ivr")
                    .put("queue_id", "q-ivr")
                    .put("customer_id", "cust-" + w.random.nextInt(slots * 3))
                    .put("channel", "voice")
                    .put("recording_required", false);
            w.interaction(end, "completed").put("disposition", disposition);
            return end;
        }

        /** The scripted first call of slots 0-12 (offsets from the origin, docs/demo.md). */
        private Call scriptedCall(SplittableRandom r) {
            Call c = baseCall(r);
            c.connectedAt = originMs;
            c.talkEnd = originMs + 150_000;
            c.recordingRequired = true;
            c.upload = Upload.ON_TIME;
            c.uploadDelay = 5_000;
            switch (slot) {
                case 0 -> degrade(c, Condition.HIGH, 0, 60);
                case 1 -> degrade(c, Condition.CRITICAL, 0, 50);
                case 2 -> {
                    c.video = true;
                    degrade(c, Condition.CODEC_FALLBACK, 5, 65);
                }
                case 3 -> {
                    c.gapFrom = originMs + 12_000;
                    c.gapTo = originMs + 40_000;
                }
                case 4 -> c.disconnectAt = originMs + 15_000;
                case 5 -> degrade(c, Condition.DIP, 10, 15);
                case 7 -> {
                    c.customer = REPEAT_CUSTOMER;
                    c.talkEnd = originMs + 14_000;
                }
                case 8 -> {
                    // The same customer calls back right after the first call (slot 7) ended.
                    c.customer = REPEAT_CUSTOMER;
                    c.queuedAt = originMs + 28_000;
                    c.connectedAt = originMs + 31_000;
                }
                case 9 -> {
                    c.talkEnd = originMs + 12_000;
                    c.upload = Upload.FAILED;
                    c.uploadDelay = 4_000;
                }
                case 10 -> {
                    c.talkEnd = originMs + 8_000;
                    c.upload = Upload.LATE;
                    c.uploadDelay = 30_000;
                }
                case 11 -> c.stragglerAt = originMs + 15_000;
                case 12 -> c.talkEnd = originMs + 20_000;
                default -> throw new IllegalStateException("no script for slot " + slot);
            }
            c.completedAt = c.talkEnd + 6_000;
            return c;
        }

        private void degrade(Call c, Condition condition, int fromSecond, int toSecond) {
            c.incident = condition;
            c.incidentFrom = originMs + fromSecond * 1000L;
            c.incidentTo = originMs + toSecond * 1000L;
        }

        private Call baseCall(SplittableRandom r) {
            Call c = new Call();
            c.queue = QUEUES.get(r.nextInt(QUEUES.size()));
            c.customer = "cust-" + r.nextInt(slots * 3);
            c.disposition = DISPOSITIONS.get(r.nextInt(DISPOSITIONS.size()));
            return c;
        }

        /**
         * A call drawn at random. The first call of a slot is already connected at the origin (the
         * demo starts in the middle of a busy day), the following ones go through queue and IVR.
         */
        private Call randomCall(SplittableRandom r, boolean inProgress) {
            Call c = baseCall(r);
            c.video = r.nextDouble() < 0.10;
            c.recordingRequired = r.nextDouble() < 0.70;
            long t = nextCallStart;
            if (inProgress) {
                t = originMs + r.nextLong(SAMPLE_INTERVAL_MS);
            } else {
                if (r.nextDouble() < 0.15) {
                    c.ivrAt = t;
                    t += seconds(r, 5, 30);
                }
                c.queuedAt = t;
                t += seconds(r, 2, 25);
            }
            c.connectedAt = t;
            long talk = inProgress ? seconds(r, 10, 360) : seconds(r, 30, 360);
            if (talk > 60_000 && r.nextDouble() < 0.20) {
                c.holdAt = t + talk / 2;
                c.unholdAt = c.holdAt + seconds(r, 10, 30);
                talk += c.unholdAt - c.holdAt;
            }
            c.talkEnd = t + talk;
            c.completedAt = c.talkEnd + seconds(r, 5, 20);

            double x = r.nextDouble();
            long from = t + seconds(r, 5, 30);
            if (c.video && x < 0.10) {
                incident(c, Condition.CODEC_FALLBACK, from, from + seconds(r, 40, 90));
            } else if (x < 0.005) {
                incident(c, Condition.HIGH, from, from + seconds(r, 40, 90));
            } else if (x < 0.01) {
                incident(c, Condition.CRITICAL, from, from + seconds(r, 40, 90));
            } else if (x < 0.015) {
                c.gapFrom = from;
                c.gapTo = from + seconds(r, 20, 40);
            } else if (x < 0.02) {
                c.disconnectAt = from;
            } else if (x < 0.05) {
                incident(c, Condition.DIP, from, from + SAMPLE_INTERVAL_MS);
            }

            double u = r.nextDouble();
            if (u < 0.80) {
                c.upload = Upload.ON_TIME;
                c.uploadDelay = seconds(r, 5, 30);
            } else if (u < 0.88) {
                c.upload = Upload.FAILED;
                c.uploadDelay = seconds(r, 5, 20);
            } else if (u < 0.98) {
                c.upload = Upload.LATE;
                c.uploadDelay = seconds(r, 60, 300);
            } else {
                c.upload = Upload.NONE;
            }
            return c;
        }

        private void incident(Call c, Condition condition, long from, long to) {
            c.incident = condition;
            c.incidentFrom = from;
            c.incidentTo = to;
        }

        /** Writes a call with an agent; returns its end (the terminal event's time). */
        private long talkCall(Writer w, SplittableRandom r, Call c) {
            boolean first = true;
            if (c.ivrAt >= 0) {
                first(w.interaction(c.ivrAt, "ivr"), c);
                first = false;
            }
            if (c.queuedAt >= 0) {
                ObjectNode queued = w.interaction(c.queuedAt, "queued");
                if (first) {
                    first(queued, c);
                    first = false;
                }
            }
            ObjectNode connected =
                    w.interaction(c.connectedAt, "connected")
                            .put("agent_id", agent)
                            .put("agent_timezone", zone);
            if (first) {
                first(connected, c);
            }
            if (c.holdAt >= 0) {
                w.interaction(c.holdAt, "hold");
                w.interaction(c.unholdAt, "unhold");
            }
            long firstSample = alignToSampleGrid(c.connectedAt + 1_000);
            boolean disconnected = false;
            for (long ts = firstSample; ts < c.talkEnd; ts += SAMPLE_INTERVAL_MS) {
                boolean onHold = c.holdAt >= 0 && ts >= c.holdAt && ts < c.unholdAt;
                boolean inGap = ts >= c.gapFrom && ts < c.gapTo;
                if (onHold || inGap) {
                    continue;
                }
                Condition condition =
                        ts >= c.incidentFrom && ts < c.incidentTo ? c.incident : Condition.HEALTHY;
                if (c.disconnectAt >= 0 && ts >= c.disconnectAt && !disconnected) {
                    condition = Condition.DISCONNECTED;
                    disconnected = true;
                }
                ObjectNode sample = w.sample(ts, c.video ? "video" : "audio");
                fillSample(sample, condition, c.video, r);
                long emitAt = ts;
                if (c.stragglerAt >= 0 && ts == alignToSampleGrid(c.stragglerAt)) {
                    emitAt = ts + STRAGGLER_DELAY_MS;
                } else if (r.nextDouble() < 0.03) {
                    emitAt = ts + r.nextLong(1_000, 8_001);
                }
                w.add(sample, ts, emitAt);
            }
            w.interaction(c.talkEnd, "wrapup");
            w.interaction(c.completedAt, "completed").put("disposition", c.disposition);
            if (c.recordingRequired) {
                String recordingId = w.sessionId + "-rec";
                long at = c.completedAt + c.uploadDelay;
                switch (c.upload) {
                    case ON_TIME -> w.recording(at, recordingId, "uploaded");
                    case FAILED -> w.recording(at, recordingId, "failed");
                    case LATE -> {
                        w.recording(c.completedAt + 2_000, recordingId, "pending");
                        w.recording(at, recordingId, "uploaded");
                    }
                    case NONE -> w.recording(c.completedAt + 2_000, recordingId, "pending");
                }
            }
            return c.completedAt;
        }

        /** The fields the platform sends on an interaction's first event. */
        private void first(ObjectNode event, Call c) {
            event.put("queue_id", c.queue)
                    .put("customer_id", c.customer)
                    .put("channel", c.video ? "video" : "voice")
                    .put("recording_required", c.recordingRequired);
        }

        /** The first instant at or after {@code t} on this slot's 5 s sample grid. */
        private long alignToSampleGrid(long t) {
            long grid = originMs + phaseMs;
            if (t <= grid) {
                return grid;
            }
            long steps = (t - grid + SAMPLE_INTERVAL_MS - 1) / SAMPLE_INTERVAL_MS;
            return grid + steps * SAMPLE_INTERVAL_MS;
        }

        /** Builds a call's events; sequence numbers are per slot, in generation order. */
        private final class Writer {
            final String sessionId;
            final SplittableRandom random;
            final List<PendingEvent> events = new ArrayList<>();
            private int eventNo;

            Writer(String sessionId, SplittableRandom random) {
                this.sessionId = sessionId;
                this.random = random;
            }

            private ObjectNode event(String kind, long ts) {
                ObjectNode node = JsonNodeFactory.instance.objectNode();
                node.put("event_id", sessionId + "-" + eventNo++);
                node.put("kind", kind);
                node.put("session_id", sessionId);
                node.put("ts", Instant.ofEpochMilli(ts).toString());
                return node;
            }

            /**
             * An interaction event, added once its fields are set (the payload is rendered when the
             * call's events are handed out); 1% are delivered twice.
             */
            ObjectNode interaction(long ts, String state) {
                ObjectNode node = event("interaction", ts).put("state", state);
                add(node, ts, ts);
                if (random.nextDouble() < 0.01) {
                    add(node, ts, ts + 2_000);
                }
                return node;
            }

            ObjectNode sample(long ts, String media) {
                return event("media_sample", ts).put("media", media).put("agent_id", agent);
            }

            void recording(long ts, String recordingId, String status) {
                ObjectNode node =
                        event("recording", ts)
                                .put("recording_id", recordingId)
                                .put("media", "screen")
                                .put("status", status);
                add(node, ts, ts);
            }

            void add(ObjectNode node, long ts, long emitAt) {
                events.add(new PendingEvent(emitAt, ts, slot, nextSeq++, sessionId, node));
            }
        }
    }

    /** An event whose payload may still get fields until its call is complete. */
    private record PendingEvent(
            long emitAt, long ts, int slot, long seq, String sessionId, ObjectNode payload) {
        ScriptedEvent render() {
            return new ScriptedEvent(emitAt, ts, slot, seq, sessionId, payload.toString());
        }
    }

    private static void fillSample(
            ObjectNode s, Condition condition, boolean video, SplittableRandom r) {
        double jitter = round2(2 + r.nextDouble() * 18);
        double rtt = round2(30 + r.nextDouble() * 90);
        switch (condition) {
            case HEALTHY -> {
                double loss = round2(r.nextDouble() * 0.8);
                // One sample in ten carries no MOS: the job estimates it with the E-model.
                if (r.nextDouble() >= 0.10) {
                    s.put("mos", round2(3.9 + r.nextDouble() * 0.5));
                }
                s.put("jitter_ms", jitter).put("rtt_ms", rtt).put("packet_loss_pct", loss);
                s.put(
                        "bitrate_kbps",
                        video
                                ? Math.round(900 + r.nextDouble() * 1600)
                                : Math.round(24 + r.nextDouble() * 40));
                s.put("peer_state", "connected");
            }
            case HIGH ->
                    s.put("mos", round2(3.25 + r.nextDouble() * 0.2))
                            .put("jitter_ms", round2(25 + r.nextDouble() * 20))
                            .put("rtt_ms", round2(150 + r.nextDouble() * 100))
                            .put("packet_loss_pct", round2(0.5 + r.nextDouble() * 1.3))
                            .put("peer_state", "connected");
            case CRITICAL ->
                    s.put("mos", round2(2.6 + r.nextDouble() * 0.5))
                            .put("jitter_ms", round2(40 + r.nextDouble() * 40))
                            .put("rtt_ms", round2(250 + r.nextDouble() * 150))
                            .put("packet_loss_pct", round2(3 + r.nextDouble() * 3))
                            .put("peer_state", "connected");
            case CODEC_FALLBACK ->
                    s.put("mos", round2(4.0 + r.nextDouble() * 0.2))
                            .put("jitter_ms", jitter)
                            .put("rtt_ms", rtt)
                            .put("packet_loss_pct", round2(r.nextDouble() * 0.5))
                            .put("bitrate_kbps", 14 + r.nextInt(3))
                            .put("peer_state", "connected");
            case DIP ->
                    s.put("mos", 2.4)
                            .put("jitter_ms", 80.0)
                            .put("rtt_ms", 400.0)
                            .put("packet_loss_pct", 9.0)
                            .put("peer_state", "connected");
            case DISCONNECTED -> s.put("rtt_ms", rtt).put("peer_state", "disconnected");
        }
    }
}
