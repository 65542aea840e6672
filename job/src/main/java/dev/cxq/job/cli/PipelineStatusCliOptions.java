package dev.cxq.job.cli;

import dev.cxq.udf.status.PipelineStatusSettings;

import picocli.CommandLine.Option;

import java.time.Duration;

/**
 * The data-syncing signal of {@code pipeline_status} (docs/design.md, "pipeline_status"): when an
 * input counts as syncing, and when a silent input is forgotten.
 */
final class PipelineStatusCliOptions {

    static final String LAG_THRESHOLD = "--pipeline-status-lag-threshold";

    @Config(key = "pipeline-status.lag-threshold", rule = "positive")
    @Option(
            names = LAG_THRESHOLD,
            defaultValue = "2m",
            converter = DurationConverter.class,
            description =
                    "An input whose event time is further behind the wall clock than this is"
                            + " syncing (pipeline_status).")
    Duration lagThreshold;

    static final String BURST_FACTOR = "--pipeline-status-burst-factor";

    @Config(key = "pipeline-status.burst-factor", rule = "above 1")
    @Option(
            names = BURST_FACTOR,
            defaultValue = "3.0",
            description =
                    "An input coming out of stalled or syncing stays syncing (backlog burst) while"
                            + " it reads more than this many times its live records per minute.")
    double burstFactor;

    static final String FORGET_AFTER = "--pipeline-status-forget-after";

    @Config(key = "pipeline-status.forget-after", rule = "positive")
    @Option(
            names = FORGET_AFTER,
            defaultValue = "1h",
            converter = DurationConverter.class,
            description =
                    "An input without records for this long gets no more pipeline_status rows"
                            + " (a finished file, a partition moved to another job).")
    Duration forgetAfter;

    /** The settings, with one-minute rows and the sources' watermark bound. */
    PipelineStatusSettings settings(Duration maxOutOfOrderness) {
        return new PipelineStatusSettings(
                PipelineStatusSettings.MINUTE,
                PipelineStatusSettings.DEFAULT_GRACE,
                lagThreshold,
                burstFactor,
                forgetAfter,
                maxOutOfOrderness);
    }

    void validate(Problems problems) {
        problems.positive(LAG_THRESHOLD, lagThreshold);
        problems.positive(FORGET_AFTER, forgetAfter);
        if (!(burstFactor > 1)) {
            problems.add(problems.name(BURST_FACTOR) + " must be above 1: " + burstFactor);
        }
    }
}
