package dev.cxq.udf.quality;

import java.io.Serializable;
import java.time.Duration;

/**
 * The configurable rules of media-quality detection (their defaults are the command line's, in the
 * job module).
 *
 * @param mosBelow a sample whose (measured or estimated) MOS is below this is degraded
 * @param packetLossAbovePct a sample whose packet loss is above this percentage is degraded
 * @param videoBitrateBelowKbps a video sample whose bitrate is below this is degraded
 * @param criticalMosBelow an incident is critical when every MOS of its hysteresis window is below
 *     this
 * @param fireAfter continuous degradation after which an incident fires
 * @param resolveAfter continuous health after which a firing incident resolves
 * @param mediaGapAfter silence in a connected session after which a media gap is reported
 */
public record QualityThresholds(
        double mosBelow,
        double packetLossAbovePct,
        double videoBitrateBelowKbps,
        double criticalMosBelow,
        Duration fireAfter,
        Duration resolveAfter,
        Duration mediaGapAfter)
        implements Serializable {

    public QualityThresholds {
        requireWithin(mosBelow, 1, 5, "mosBelow");
        requireWithin(criticalMosBelow, 1, 5, "criticalMosBelow");
        requireWithin(packetLossAbovePct, 0, 100, "packetLossAbovePct");
        requireWithin(videoBitrateBelowKbps, 0, Double.MAX_VALUE, "videoBitrateBelowKbps");
        requirePositive(fireAfter, "fireAfter");
        requirePositive(resolveAfter, "resolveAfter");
        requirePositive(mediaGapAfter, "mediaGapAfter");
        if (criticalMosBelow > mosBelow) {
            throw new IllegalArgumentException(
                    "criticalMosBelow ("
                            + criticalMosBelow
                            + ") must not be above mosBelow ("
                            + mosBelow
                            + ")");
        }
    }

    private static void requireWithin(double value, double min, double max, String name) {
        if (!(value >= min && value <= max)) {
            throw new IllegalArgumentException(
                    name + " must be between " + min + " and " + max + ", got " + value);
        }
    }

    private static void requirePositive(Duration d, String name) {
        if (d == null || d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(name + " must be a positive duration, got " + d);
        }
    }
}
