package dev.cxq.job.demo;

import java.util.List;
import java.util.SplittableRandom;

/**
 * What one call of an agent does, as instants on the script's timeline (epoch milliseconds; -1 for
 * a step the call does not have). {@link RandomCalls} draws plans, {@link ScriptedIncident} scripts
 * them, {@link CallWriter} turns them into events.
 */
final class CallPlan {

    private static final List<String> QUEUES =
            List.of("q-sales", "q-support", "q-billing", "q-retention");

    private static final List<String> DISPOSITIONS =
            List.of("RESOLVED", "RESOLVED", "RESOLVED", "FOLLOW_UP", "ESCALATED", "SALE");

    /** How a call's screen recording arrives. */
    enum Upload {
        ON_TIME,
        FAILED,
        /** {@code pending} right after the end, {@code uploaded} much later. */
        LATE,
        /** Nothing arrives: {@code missing} once the 4 h SLA has passed. */
        NONE
    }

    /** A call that ends in the IVR (self-service, or transferred out): no agent, no media. */
    boolean ivrOnly;

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
    MediaCondition incident = MediaCondition.HEALTHY;
    long incidentFrom;
    long incidentTo;
    long gapFrom = -1;
    long gapTo = -1;
    long disconnectAt = -1;

    /** The sample due at this instant is delivered behind the watermark; -1 for none. */
    long stragglerAt = -1;

    Upload upload = Upload.ON_TIME;

    /** From the end of the call to the recording's (final) status. */
    long uploadDelay;

    /** A call through an agent, with its queue, customer and disposition drawn from {@code r}. */
    static CallPlan withAgent(SplittableRandom r, int customers) {
        CallPlan c = new CallPlan();
        c.queue = QUEUES.get(r.nextInt(QUEUES.size()));
        c.customer = "cust-" + r.nextInt(customers);
        c.disposition = DISPOSITIONS.get(r.nextInt(DISPOSITIONS.size()));
        return c;
    }

    /** A call that stays in the IVR from {@code start} to {@code end}. */
    static CallPlan ivrOnly(long start, long end, String disposition) {
        CallPlan c = new CallPlan();
        c.ivrOnly = true;
        c.ivrAt = start;
        c.completedAt = end;
        c.disposition = disposition;
        return c;
    }

    /** Media in {@code condition} from {@code from} (inclusive) to {@code to} (exclusive). */
    void incident(MediaCondition condition, long from, long to) {
        incident = condition;
        incidentFrom = from;
        incidentTo = to;
    }

    /** The talk ends at {@code talkEnd}; the recording arrives {@code delay} after the call. */
    void endWithUpload(long talkEnd, Upload upload, long delay) {
        this.talkEnd = talkEnd;
        this.upload = upload;
        this.uploadDelay = delay;
    }

    /** The condition of the sample at {@code ts}, before any disconnect. */
    MediaCondition conditionAt(long ts) {
        return ts >= incidentFrom && ts < incidentTo ? incident : MediaCondition.HEALTHY;
    }
}
