package dev.cxq.job.source;

import dev.cxq.udf.ingest.EventTimeLimits;
import dev.cxq.udf.model.RawRecord;

import org.apache.flink.api.common.eventtime.TimestampAssigner;
import org.apache.flink.api.common.eventtime.TimestampAssignerSupplier;
import org.apache.flink.api.common.eventtime.Watermark;
import org.apache.flink.api.common.eventtime.WatermarkGenerator;
import org.apache.flink.api.common.eventtime.WatermarkGeneratorSupplier;
import org.apache.flink.api.common.eventtime.WatermarkOutput;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.metrics.groups.UnregisteredMetricsGroup;
import org.apache.flink.util.clock.RelativeClock;
import org.apache.flink.util.clock.SystemClock;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The source's watermark rule against implausible event times (issue 14): a record from the future
 * beyond the tolerance, or outside the representable range, never moves the watermark, so the
 * events after it are not declared late; a plausible record does move it.
 */
class SourceWatermarksTest {

    private static final Duration BOUND = Duration.ofSeconds(10);
    private static final Instant NOW = Instant.parse("2026-03-09T15:00:00Z");

    private final WatermarkStrategy<RawRecord> strategy =
            SourceWatermarks.of(
                    BOUND, Duration.ofMinutes(1), new EventTimeLimits(Duration.ofMinutes(1), NOW));
    private final TimestampAssigner<RawRecord> assigner =
            strategy.createTimestampAssigner(new Contexts());
    private final WatermarkGenerator<RawRecord> generator =
            strategy.createWatermarkGenerator(new Contexts());
    private long watermark = Long.MIN_VALUE;

    @Test
    void anImplausibleEventNeverMovesTheWatermark() {
        read(sample("2026-03-09T14:00:00Z"));
        long afterValid = watermark;
        assertThat(afterValid)
                .isEqualTo(Instant.parse("2026-03-09T14:00:00Z").minus(BOUND).toEpochMilli() - 1);

        for (String implausible :
                new String[] {
                    "2099-01-01T00:00:00Z",
                    // Beyond the 1 min tolerance of the reference now.
                    "2026-03-09T15:02:00Z",
                    "+300000-01-01T00:00:00Z",
                    "1970-01-01T00:00:00Z"
                }) {
            assertThat(read(sample(implausible))).as(implausible).isEqualTo(Long.MIN_VALUE);
            assertThat(watermark).as(implausible).isEqualTo(afterValid);
        }

        read(sample("2026-03-09T14:00:05Z"));
        assertThat(watermark).as("plausible events still move it").isGreaterThan(afterValid);
    }

    /** Feeds a record; returns its assigned timestamp. */
    private long read(RawRecord record) {
        long ts = assigner.extractTimestamp(record, Long.MIN_VALUE);
        generator.onEvent(record, ts, output);
        generator.onPeriodicEmit(output);
        return ts;
    }

    private final WatermarkOutput output =
            new WatermarkOutput() {
                @Override
                public void emitWatermark(Watermark w) {
                    watermark = Math.max(watermark, w.getTimestamp());
                }

                @Override
                public void markIdle() {}

                @Override
                public void markActive() {}
            };

    private static RawRecord sample(String ts) {
        return new RawRecord(
                "test:1",
                "{\"event_id\":\"e-"
                        + ts
                        + "\",\"kind\":\"media_sample\",\"session_id\":\"s-1\",\"ts\":\""
                        + ts
                        + "\",\"mos\":4.0}");
    }

    /** What the source operator hands the strategy: metrics and an activity clock. */
    private static final class Contexts
            implements WatermarkGeneratorSupplier.Context, TimestampAssignerSupplier.Context {

        @Override
        public MetricGroup getMetricGroup() {
            return new UnregisteredMetricsGroup();
        }

        @Override
        public RelativeClock getInputActivityClock() {
            return SystemClock.getInstance();
        }
    }
}
