package dev.cxq.job.cli;

import dev.cxq.udf.quality.QualityThresholds;

import picocli.CommandLine.Option;

import java.time.Duration;

/** When a media sample is degraded, and when an incident fires and resolves (docs/design.md). */
final class ThresholdCliOptions {

    static final String DEGRADED_MOS_BELOW = "--degraded-mos-below";

    @Config(key = "thresholds.mos", rule = "between 1 and 5; not below thresholds.critical-mos")
    @Option(
            names = DEGRADED_MOS_BELOW,
            defaultValue = "3.5",
            description =
                    "A sample whose MOS (measured or E-model estimate) is below this is degraded.")
    double degradedMosBelow;

    static final String DEGRADED_PACKET_LOSS_ABOVE = "--degraded-packet-loss-above";

    @Config(key = "thresholds.packet-loss-pct", rule = "between 0 and 100")
    @Option(
            names = DEGRADED_PACKET_LOSS_ABOVE,
            defaultValue = "2.0",
            description = "A sample whose packet loss (%%) is above this is degraded.")
    double degradedPacketLossAbove;

    static final String DEGRADED_VIDEO_BITRATE_BELOW = "--degraded-video-bitrate-below";

    @Config(key = "thresholds.video-bitrate-kbps", rule = "not negative")
    @Option(
            names = DEGRADED_VIDEO_BITRATE_BELOW,
            defaultValue = "500",
            description = "A video sample whose bitrate (kbps) is below this is degraded.")
    double degradedVideoBitrateBelow;

    static final String CRITICAL_MOS_BELOW = "--critical-mos-below";

    @Config(key = "thresholds.critical-mos", rule = "between 1 and 5; not above thresholds.mos")
    @Option(
            names = CRITICAL_MOS_BELOW,
            defaultValue = "3.2",
            description =
                    "An incident is critical when every MOS of its hysteresis window is below this.")
    double criticalMosBelow;

    static final String ALERT_HYSTERESIS = "--alert-hysteresis";

    @Config(key = "alerts.hysteresis", rule = "positive")
    @Option(
            names = ALERT_HYSTERESIS,
            defaultValue = "30s",
            converter = DurationConverter.class,
            description =
                    "Continuous degradation before an incident fires, and health before it resolves.")
    Duration alertHysteresis;

    static final String MEDIA_GAP_AFTER = "--media-gap-after";

    @Config(key = "alerts.media-gap-after", rule = "positive")
    @Option(
            names = MEDIA_GAP_AFTER,
            defaultValue = "15s",
            converter = DurationConverter.class,
            description = "Silence of a connected session after which a media_gap warning fires.")
    Duration mediaGapAfter;

    QualityThresholds thresholds() {
        return new QualityThresholds(
                degradedMosBelow,
                degradedPacketLossAbove,
                degradedVideoBitrateBelow,
                criticalMosBelow,
                alertHysteresis,
                alertHysteresis,
                mediaGapAfter);
    }

    void validate(Problems problems) {
        problems.between(DEGRADED_MOS_BELOW, degradedMosBelow, 1, 5);
        problems.between(CRITICAL_MOS_BELOW, criticalMosBelow, 1, 5);
        problems.between(DEGRADED_PACKET_LOSS_ABOVE, degradedPacketLossAbove, 0, 100);
        if (!(degradedVideoBitrateBelow >= 0)) {
            problems.add(
                    problems.name(DEGRADED_VIDEO_BITRATE_BELOW)
                            + " must not be negative: "
                            + degradedVideoBitrateBelow);
        }
        if (criticalMosBelow > degradedMosBelow) {
            problems.add(
                    problems.name(CRITICAL_MOS_BELOW)
                            + " must not be above "
                            + problems.name(DEGRADED_MOS_BELOW)
                            + ": "
                            + criticalMosBelow
                            + " > "
                            + degradedMosBelow);
        }
        problems.positive(ALERT_HYSTERESIS, alertHysteresis);
        problems.positive(MEDIA_GAP_AFTER, mediaGapAfter);
    }
}
