package dev.cxq.udf.quality;

/**
 * The contract's simplified ITU-T G.107 E-model: an estimated MOS from round-trip time, jitter and
 * packet loss, for samples that carry no MOS of their own.
 */
public final class EModel {

    private EModel() {}

    /**
     * @return the estimated MOS, between 1.0 and 4.5
     */
    public static double estimateMos(double rttMs, double jitterMs, double packetLossPct) {
        double effectiveLatency = rttMs + 2 * jitterMs + 10;
        double r =
                effectiveLatency < 160
                        ? 94.768 - effectiveLatency / 40
                        : 94.768 - (effectiveLatency - 120) / 10;
        r -= 2.5 * packetLossPct;
        // G.107 defines the MOS mapping on R in [0, 100]; outside it the cubic leaves 1..4.5.
        r = Math.max(0, Math.min(100, r));
        return 1 + 0.035 * r + 7e-6 * r * (r - 60) * (100 - r);
    }
}
