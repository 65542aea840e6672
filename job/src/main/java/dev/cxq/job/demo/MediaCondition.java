package dev.cxq.job.demo;

import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.SplittableRandom;

/** Media condition of one WebRTC sample, and the figures a sample in that condition carries. */
enum MediaCondition {
    HEALTHY {
        @Override
        void figures(ObjectNode s, boolean video, SplittableRandom r, double jitter, double rtt) {
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
    },
    /** MOS 3.25-3.45: degraded, but not every MOS below the 3.2 critical bound. */
    HIGH {
        @Override
        void figures(ObjectNode s, boolean video, SplittableRandom r, double jitter, double rtt) {
            degraded(s, r, new double[] {3.25, 0.2, 25, 20, 150, 100, 0.5, 1.3});
        }
    },
    /** MOS 2.6-3.1 with 3-6% packet loss. */
    CRITICAL {
        @Override
        void figures(ObjectNode s, boolean video, SplittableRandom r, double jitter, double rtt) {
            degraded(s, r, new double[] {2.6, 0.5, 40, 40, 250, 150, 3, 3});
        }
    },
    /** Video bitrate collapsed to ~15 kbps while MOS stays near 4: a codec fallback. */
    CODEC_FALLBACK {
        @Override
        void figures(ObjectNode s, boolean video, SplittableRandom r, double jitter, double rtt) {
            s.put("mos", round2(4.0 + r.nextDouble() * 0.2))
                    .put("jitter_ms", jitter)
                    .put("rtt_ms", rtt)
                    .put("packet_loss_pct", round2(r.nextDouble() * 0.5))
                    .put("bitrate_kbps", 14 + r.nextInt(3))
                    .put("peer_state", "connected");
        }
    },
    /** One bad sample: a cellular handoff, which must not alert. */
    DIP {
        @Override
        void figures(ObjectNode s, boolean video, SplittableRandom r, double jitter, double rtt) {
            s.put("mos", 2.4)
                    .put("jitter_ms", 80.0)
                    .put("rtt_ms", 400.0)
                    .put("packet_loss_pct", 9.0)
                    .put("peer_state", "connected");
        }
    },
    DISCONNECTED {
        @Override
        void figures(ObjectNode s, boolean video, SplittableRandom r, double jitter, double rtt) {
            s.put("rtt_ms", rtt).put("peer_state", "disconnected");
        }
    };

    /**
     * Adds this condition's figures to a sample, drawn from the call's random stream. Every sample
     * draws a baseline jitter and round-trip time first, used or not, so the stream's position does
     * not depend on the condition.
     */
    final void fill(ObjectNode sample, boolean video, SplittableRandom r) {
        double jitter = round2(2 + r.nextDouble() * 18);
        double rtt = round2(30 + r.nextDouble() * 90);
        figures(sample, video, r, jitter, rtt);
    }

    abstract void figures(
            ObjectNode sample, boolean video, SplittableRandom r, double jitter, double rtt);

    /**
     * A degraded sample: MOS, jitter, RTT and loss each drawn uniformly from {@code [from, from +
     * span]}, given as the pairs {@code from, span} in that order.
     */
    private static void degraded(ObjectNode s, SplittableRandom r, double[] ranges) {
        String[] fields = {"mos", "jitter_ms", "rtt_ms", "packet_loss_pct"};
        for (int i = 0; i < fields.length; i++) {
            s.put(fields[i], round2(ranges[2 * i] + r.nextDouble() * ranges[2 * i + 1]));
        }
        s.put("peer_state", "connected");
    }

    private static double round2(double v) {
        return Math.round(v * 100) / 100.0;
    }
}
