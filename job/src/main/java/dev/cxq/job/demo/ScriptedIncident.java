package dev.cxq.job.demo;

import java.util.SplittableRandom;

/**
 * The scripted incidents: the first call of slot {@link #slot()} plays one of them, at fixed
 * offsets from the script's time zero {@code t0} (the table in {@code docs/demo.md}). A new act is
 * a new constant at the end, and {@link DemoScript#SCRIPTED_SLOTS} one more.
 */
enum ScriptedIncident {
    /** Sustained degradation, MOS 3.25-3.45 for 60 s: a {@code high} alert. */
    SUSTAINED_HIGH(talk((c, t0) -> c.incident(MediaCondition.HIGH, t0, t0 + 60_000))),
    /** MOS 2.6-3.1 and 3-6% loss for 50 s: a {@code critical} alert, later resolved. */
    SUSTAINED_CRITICAL(talk((c, t0) -> c.incident(MediaCondition.CRITICAL, t0, t0 + 50_000))),
    /** A video call whose bitrate collapses while MOS stays high. */
    CODEC_FALLBACK(
            talk(
                    (c, t0) -> {
                        c.video = true;
                        c.incident(MediaCondition.CODEC_FALLBACK, t0 + 5_000, t0 + 65_000);
                    })),
    /** No media for 28 s: a {@code media_gap} warning. */
    MEDIA_GAP(
            talk(
                    (c, t0) -> {
                        c.gapFrom = t0 + 12_000;
                        c.gapTo = t0 + 40_000;
                    })),
    /** One {@code disconnected} sample: a warning resolved by the next connected one. */
    DISCONNECT(talk((c, t0) -> c.disconnectAt = t0 + 15_000)),
    /** A single bad sample (cellular handoff): no alert. */
    HANDOFF_DIP(talk((c, t0) -> c.incident(MediaCondition.DIP, t0 + 10_000, t0 + 15_000))),
    /** IVR self-service: handle time, but no adjusted AHT. No agent, so nothing is drawn. */
    IVR_SELF_SERVICE(
            (r, t0, customers) -> CallPlan.ivrOnly(t0 + 2_000, t0 + 24_000, "IVR_SELF_SERVICE")),
    /** The first of two calls of one customer within a minute (FCR 0). */
    REPEAT_CALLER_FIRST(
            talk(
                    (c, t0) -> {
                        c.customer = ScriptedIncident.REPEAT_CUSTOMER;
                        c.talkEnd = t0 + 14_000;
                    })),
    /** The same customer calls back right after the first call ended. */
    REPEAT_CALLER_SECOND(
            talk(
                    (c, t0) -> {
                        c.customer = ScriptedIncident.REPEAT_CUSTOMER;
                        c.queuedAt = t0 + 28_000;
                        c.connectedAt = t0 + 31_000;
                    })),
    /** The recording upload fails: {@code pending}, then {@code failed}. */
    FAILED_UPLOAD(talk((c, t0) -> c.endWithUpload(t0 + 12_000, CallPlan.Upload.FAILED, 4_000))),
    /** The recording lands 30 s late: {@code pending}, then corrected to {@code uploaded}. */
    LATE_UPLOAD(talk((c, t0) -> c.endWithUpload(t0 + 8_000, CallPlan.Upload.LATE, 30_000))),
    /** One sample delivered behind the watermark: a {@code late_events} row. */
    STRAGGLER(talk((c, t0) -> c.stragglerAt = t0 + 15_000)),
    /**
     * An agent outside business hours in their zone ({@link DemoScript#zoneOf}): no adjusted AHT.
     */
    OFF_HOURS(talk((c, t0) -> c.talkEnd = t0 + 20_000));

    /** Plans an incident's call. */
    private interface Planner {
        CallPlan plan(SplittableRandom r, long t0, int customers);
    }

    /** Turns the default scripted call into an incident's. */
    private interface Act {
        void apply(CallPlan c, long t0);
    }

    static final String REPEAT_CUSTOMER = "cust-repeat-1";

    private final Planner planner;

    ScriptedIncident(Planner planner) {
        this.planner = planner;
    }

    /** The slot whose first call plays this incident. */
    int slot() {
        return ordinal();
    }

    static ScriptedIncident ofSlot(int slot) {
        return values()[slot];
    }

    /** The incident's call, with {@code r} the call's random stream. */
    CallPlan plan(SplittableRandom r, long t0, int customers) {
        return planner.plan(r, t0, customers);
    }

    /**
     * A scripted call with an agent: connected at {@code t0}, 150 s long, recorded and uploaded 5 s
     * after its end, then changed by {@code act}.
     */
    private static Planner talk(Act act) {
        return (r, t0, customers) -> {
            CallPlan c = CallPlan.withAgent(r, customers);
            c.connectedAt = t0;
            c.talkEnd = t0 + 150_000;
            c.recordingRequired = true;
            c.upload = CallPlan.Upload.ON_TIME;
            c.uploadDelay = 5_000;
            act.apply(c, t0);
            c.completedAt = c.talkEnd + 6_000;
            return c;
        };
    }
}
