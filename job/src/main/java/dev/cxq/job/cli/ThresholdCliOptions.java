package dev.cxq.job.cli;

import dev.cxq.udf.quality.QualityThresholds;

import picocli.CommandLine.Option;

import java.time.Duration;

/** When a media sample is degraded, and when an incident fires and resolves (docs/design.md). */
final class ThresholdCliOptions {

    @Config(key = "thresholds.mos", rule = "between 1 and 5; not below thresholds.critical-mos")
    @Option(
            names = "--degraded-mos-below",
            defaultValue = "3.5",
            description =
                    "A sample whose MOS (measured or E-model estimate) is below this is degraded.")
    double degradedMosBelow;

    @Config(key = "thresholds.packet-loss-pct", rule = "between 0 and 100")
    @Option(
            names = "--degraded-packet-loss-above",
            defaultValue = "2.0",
            description = "A sample whose packet loss (%%) is above this is degraded.")
    double degradedPacketLossAbove;

    @Config(key = "thresholds.video-bitrate-kbps", rule = "not negative")
    @Option(
            names = "--degraded-video-bitrate-below",
            defaultValue = "500",
            description = "A video sample whose bitrate (kbps) is below this is degraded.")
    double degradedVideoBitrateBelow;

    @Config(key = "thresholds.critical-mos", rule = "between 1 and 5; not above thresholds.mos")
    @Option(
            names = "--critical-mos-below",
            defaultValue = "3.2",
            description =
                    "An incident is critical when every MOS of its hysteresis window is below this.")
    double criticalMosBelow;

    @Config(key = "alerts.hysteresis", rule = "positive")
    @Option(
            names = "--alert-hysteresis",
            defaultValue = "30s",
            converter = DurationConverter.class,
            description =
                    "Continuous degradation before an incident fires, and health before it resolves.")
    Duration alertHysteresis;

    @Config(key = "alerts.media-gap-after", rule = "positive")
    @Option(
            names = "--media-gap-after",
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
}
