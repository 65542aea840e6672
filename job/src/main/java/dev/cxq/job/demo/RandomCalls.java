package dev.cxq.job.demo;

import java.util.SplittableRandom;

/**
 * The unscripted calls: drawn at random, at the rates a busy contact center sees (docs/demo.md): 6%
 * end in the IVR; of the others about 1% have sustained degradation (half of it critical), 10% of
 * video calls a codec fallback, 0.5% a media gap, 0.5% a disconnect, 3% a harmless dip; 8% of the
 * uploads fail, 10% land one to five minutes late, 2% never arrive.
 */
final class RandomCalls {

    private final long originMs;
    private final int customers;

    /**
     * @param originMs the script's time zero, at which every slot's first call is in progress
     * @param customers size of the customer pool (so some customers call again)
     */
    RandomCalls(long originMs, int customers) {
        this.originMs = originMs;
        this.customers = customers;
    }

    /**
     * The call an agent takes at {@code start}. The first call of a slot is already connected at
     * the origin (the demo joins a busy day), the following ones go through queue and IVR.
     */
    CallPlan next(SplittableRandom r, long start, boolean inProgress) {
        if (r.nextDouble() < 0.06) {
            return CallPlan.ivrOnly(
                    start,
                    start + seconds(r, 20, 90),
                    r.nextBoolean() ? "IVR_SELF_SERVICE" : "IVR_TRANSFER_EXTERNAL");
        }
        CallPlan c = CallPlan.withAgent(r, customers);
        c.video = r.nextDouble() < 0.10;
        c.recordingRequired = r.nextDouble() < 0.70;
        long t = start;
        if (inProgress) {
            t = originMs + r.nextLong(DemoScript.SAMPLE_INTERVAL_MS);
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
        drawIncident(c, r, t);
        drawUpload(c, r);
        return c;
    }

    /** The agent's pause between the end of one call and the start of the next. */
    static long pause(SplittableRandom r) {
        return seconds(r, 2, 15);
    }

    private static void drawIncident(CallPlan c, SplittableRandom r, long connectedAt) {
        double x = r.nextDouble();
        long from = connectedAt + seconds(r, 5, 30);
        if (c.video && x < 0.10) {
            c.incident(MediaCondition.CODEC_FALLBACK, from, from + seconds(r, 40, 90));
        } else if (x < 0.005) {
            c.incident(MediaCondition.HIGH, from, from + seconds(r, 40, 90));
        } else if (x < 0.01) {
            c.incident(MediaCondition.CRITICAL, from, from + seconds(r, 40, 90));
        } else if (x < 0.015) {
            c.gapFrom = from;
            c.gapTo = from + seconds(r, 20, 40);
        } else if (x < 0.02) {
            c.disconnectAt = from;
        } else if (x < 0.05) {
            c.incident(MediaCondition.DIP, from, from + DemoScript.SAMPLE_INTERVAL_MS);
        }
    }

    private static void drawUpload(CallPlan c, SplittableRandom r) {
        double u = r.nextDouble();
        if (u < 0.80) {
            c.upload = CallPlan.Upload.ON_TIME;
            c.uploadDelay = seconds(r, 5, 30);
        } else if (u < 0.88) {
            c.upload = CallPlan.Upload.FAILED;
            c.uploadDelay = seconds(r, 5, 20);
        } else if (u < 0.98) {
            c.upload = CallPlan.Upload.LATE;
            c.uploadDelay = seconds(r, 60, 300);
        } else {
            c.upload = CallPlan.Upload.NONE;
        }
    }

    /** A duration of {@code from} to {@code to} seconds, in milliseconds. */
    private static long seconds(SplittableRandom r, int from, int to) {
        return r.nextLong(from * 1000L, to * 1000L + 1);
    }
}
