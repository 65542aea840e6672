package dev.cxq.job.demo;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Consumer;

/**
 * Turns the {@link CallPlan}s of one slot (an agent position) into canonical events: interaction
 * lifecycle, a WebRTC sample every 5 s on the slot's sample grid while connected, the recording
 * status. It also adds the deliberate disorder: 3% of the samples delivered 1 to 8 s late, 1% of
 * the interaction events delivered twice, the scripted straggler {@link #STRAGGLER_DELAY_MS} late.
 * Sequence numbers are per slot, in generation order.
 */
final class CallWriter {

    /** How late the scripted straggler sample is delivered (beyond the 10 s watermark bound). */
    static final long STRAGGLER_DELAY_MS = 40_000;

    private final int slot;
    private final String agent;
    private final String zone;
    private final long sampleGrid;
    private final int customers;
    private long nextSeq;

    /**
     * @param sampleGrid an instant of the slot's 5 s sample grid; samples of different slots are
     *     spread over the interval, for a smooth event rate
     * @param customers size of the customer pool IVR callers are drawn from
     */
    CallWriter(int slot, String agent, String zone, long sampleGrid, int customers) {
        this.slot = slot;
        this.agent = agent;
        this.zone = zone;
        this.sampleGrid = sampleGrid;
        this.customers = customers;
    }

    /**
     * Writes a call's events to {@code out}, drawing from the call's random stream {@code r};
     * returns the call's end (its terminal event's time).
     */
    long write(String sessionId, SplittableRandom r, CallPlan c, Consumer<ScriptedEvent> out) {
        Events w = new Events(sessionId, r);
        long end = c.ivrOnly ? ivrOnly(w, c) : withAgent(w, r, c);
        for (PendingEvent event : w.pending) {
            out.accept(event.render());
        }
        return end;
    }

    private long ivrOnly(Events w, CallPlan c) {
        w.interaction(c.ivrAt, "ivr")
                .put("queue_id", "q-ivr")
                .put("customer_id", "cust-" + w.random.nextInt(customers))
                .put("channel", "voice")
                .put("recording_required", false);
        w.interaction(c.completedAt, "completed").put("disposition", c.disposition);
        return c.completedAt;
    }

    private long withAgent(Events w, SplittableRandom r, CallPlan c) {
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
        samples(w, r, c);
        w.interaction(c.talkEnd, "wrapup");
        w.interaction(c.completedAt, "completed").put("disposition", c.disposition);
        if (c.recordingRequired) {
            recording(w, c);
        }
        return c.completedAt;
    }

    private void samples(Events w, SplittableRandom r, CallPlan c) {
        long firstSample = alignToSampleGrid(c.connectedAt + 1_000);
        boolean disconnected = false;
        for (long ts = firstSample; ts < c.talkEnd; ts += DemoScript.SAMPLE_INTERVAL_MS) {
            boolean onHold = c.holdAt >= 0 && ts >= c.holdAt && ts < c.unholdAt;
            boolean inGap = ts >= c.gapFrom && ts < c.gapTo;
            if (onHold || inGap) {
                continue;
            }
            MediaCondition condition = c.conditionAt(ts);
            if (c.disconnectAt >= 0 && ts >= c.disconnectAt && !disconnected) {
                condition = MediaCondition.DISCONNECTED;
                disconnected = true;
            }
            ObjectNode sample = w.sample(ts, c.video ? "video" : "audio");
            condition.fill(sample, c.video, r);
            long emitAt = ts;
            if (c.stragglerAt >= 0 && ts == alignToSampleGrid(c.stragglerAt)) {
                emitAt = ts + STRAGGLER_DELAY_MS;
            } else if (r.nextDouble() < 0.03) {
                emitAt = ts + r.nextLong(1_000, 8_001);
            }
            w.add(sample, ts, emitAt);
        }
    }

    private static void recording(Events w, CallPlan c) {
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

    /** The fields the platform sends on an interaction's first event. */
    private static void first(ObjectNode event, CallPlan c) {
        event.put("queue_id", c.queue)
                .put("customer_id", c.customer)
                .put("channel", c.video ? "video" : "voice")
                .put("recording_required", c.recordingRequired);
    }

    /** The first instant at or after {@code t} on this slot's 5 s sample grid. */
    private long alignToSampleGrid(long t) {
        if (t <= sampleGrid) {
            return sampleGrid;
        }
        long interval = DemoScript.SAMPLE_INTERVAL_MS;
        return sampleGrid + (t - sampleGrid + interval - 1) / interval * interval;
    }

    /** The events of one call, kept until the call is complete. */
    private final class Events {
        final String sessionId;
        final SplittableRandom random;
        final List<PendingEvent> pending = new ArrayList<>();
        private int eventNo;

        Events(String sessionId, SplittableRandom random) {
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
         * An interaction event, added before its fields are set (the payload is rendered once the
         * call is complete); 1% are delivered twice.
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
            pending.add(new PendingEvent(emitAt, ts, slot, nextSeq++, sessionId, node));
        }
    }

    /** An event whose payload may still get fields until its call is complete. */
    private record PendingEvent(
            long emitAt, long ts, int slot, long seq, String sessionId, ObjectNode payload) {
        ScriptedEvent render() {
            return new ScriptedEvent(emitAt, ts, slot, seq, sessionId, payload.toString());
        }
    }
}
