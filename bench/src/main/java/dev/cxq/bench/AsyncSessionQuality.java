package dev.cxq.bench;

import dev.cxq.udf.model.CanonicalEvent;
import dev.cxq.udf.quality.MediaQualityDetector;
import dev.cxq.udf.quality.QualityThresholds;
import dev.cxq.udf.quality.SampleAssessment;
import dev.cxq.udf.rows.QualityAlert;
import dev.cxq.udf.time.EventTimeOrder;

import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.v2.ListState;
import org.apache.flink.api.common.state.v2.ListStateDescriptor;
import org.apache.flink.api.common.state.v2.StateFuture;
import org.apache.flink.api.common.state.v2.ValueState;
import org.apache.flink.api.common.state.v2.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.core.state.StateFutureUtils;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.TimerService;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * cxq's media-quality detection for media samples, written with Flink 2.x's asynchronous state API
 * (State V2, {@code KeyedStream.enableAsyncState()}), for the ForSt comparison. Its state and its
 * accesses are those the job's synchronous path had before issue 17's operator ({@code
 * EventTimeOrderedFunction} and the session function; the job's {@code SessionQualityFunction} now
 * holds samples on the heap and reads one value per session per watermark advance): the samples
 * wait in a list until the watermark passes them (an append per sample, a timer per instant), then
 * the buffer, the deadline and the session's detector are read (here: the three at once), the
 * detector applied in event-time order, and all three written back. Its alerts are the job's
 * ({@link MediaQualityDetector}); sessions end after the inactivity timeout. Left out, as the
 * benchmark's media-only input needs neither: interaction events, and the marker that drops samples
 * arriving after their session ended.
 */
final class AsyncSessionQuality extends KeyedProcessFunction<String, CanonicalEvent, QualityAlert> {

    private static final long serialVersionUID = 1L;

    /** The session's detector and statistics: a Flink POJO. */
    public static class Session {
        public long samples;
        public double mosSum;
        public long mosCount;
        public String agentId;
        public long lastEventTs = Long.MIN_VALUE;
        public MediaQualityDetector media = new MediaQualityDetector();

        public Session() {}
    }

    private final long inactivityTimeoutMs;
    private final QualityThresholds thresholds;

    private transient ListState<CanonicalEvent> buffer;
    private transient ValueState<Long> deadline;
    private transient ValueState<Session> session;
    private transient Counter sessionsEnded;

    AsyncSessionQuality(Duration inactivityTimeout, QualityThresholds thresholds) {
        this.inactivityTimeoutMs = inactivityTimeout.toMillis();
        this.thresholds = thresholds;
    }

    @Override
    public void open(OpenContext openContext) {
        buffer =
                getRuntimeContext()
                        .getListState(
                                new ListStateDescriptor<>(
                                        "buffered-events",
                                        TypeInformation.of(CanonicalEvent.class)));
        deadline = getRuntimeContext().getState(new ValueStateDescriptor<>("deadline", Types.LONG));
        session =
                getRuntimeContext()
                        .getState(
                                new ValueStateDescriptor<>(
                                        "session", TypeInformation.of(Session.class)));
        sessionsEnded =
                getRuntimeContext().getMetricGroup().addGroup("cxq").counter("sessionsEnded");
    }

    @Override
    public void processElement(CanonicalEvent sample, Context ctx, Collector<QualityAlert> out) {
        if (sample.ts <= ctx.timerService().currentWatermark()) {
            return;
        }
        buffer.asyncAdd(sample);
        ctx.timerService().registerEventTimeTimer(sample.ts);
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<QualityAlert> out) {
        String key = ctx.getCurrentKey();
        TimerService timers = ctx.timerService();
        boolean endOfInput = timers.currentWatermark() == Long.MAX_VALUE;
        StateFutureUtils.toIterable(buffer.asyncGet())
                .thenCombine(deadline.asyncValue(), Read::new)
                .thenCombine(
                        session.asyncValue(),
                        (read, current) -> read.with(new Run(key, current, out)))
                .thenCompose(read -> apply(read, timestamp, endOfInput, timers));
    }

    /** What {@link #onTimer} read: the buffered samples, the deadline, then the session. */
    private record Read(Iterable<CanonicalEvent> buffered, Long previous, Run run) {
        Read(Iterable<CanonicalEvent> buffered, Long previous) {
            this(buffered, previous, null);
        }

        Read with(Run run) {
            return new Read(buffered, previous, run);
        }
    }

    private StateFuture<Void> apply(
            Read read, long timestamp, boolean endOfInput, TimerService timers) throws Exception {
        List<CanonicalEvent> due = new ArrayList<>();
        List<CanonicalEvent> waiting = new ArrayList<>();
        if (read.buffered() != null) {
            for (CanonicalEvent sample : read.buffered()) {
                (sample.ts <= timestamp ? due : waiting).add(sample);
            }
        }
        Run run = read.run();
        Long previous = read.previous();
        due.sort(EventTimeOrder.HAND_OVER);
        Long next = EventTimeOrder.handOver(due, previous, timestamp, run::at);
        if (endOfInput && waiting.isEmpty()) {
            EventTimeOrder.runAll(next, run::at);
            next = null;
        }

        List<StateFuture<?>> writes = new ArrayList<>();
        if (!due.isEmpty()) {
            writes.add(buffer.asyncUpdate(waiting));
        }
        writes.add(run.current == null ? session.asyncClear() : session.asyncUpdate(run.current));
        if (next == null) {
            writes.add(deadline.asyncClear());
        } else if (!next.equals(previous)) {
            writes.add(deadline.asyncUpdate(next));
        }
        if (previous != null && !previous.equals(next) && !hasSampleAt(waiting, previous)) {
            timers.deleteEventTimeTimer(previous);
        }
        if (next != null && !next.equals(previous) && !endOfInput) {
            timers.registerEventTimeTimer(next);
        }
        return StateFutureUtils.combineAll(writes).thenAccept(done -> {});
    }

    private static boolean hasSampleAt(List<CanonicalEvent> samples, long ts) {
        for (CanonicalEvent sample : samples) {
            if (sample.ts == ts) {
                return true;
            }
        }
        return false;
    }

    /** One timer's work on one session: the detector's calls, in event-time order. */
    private final class Run {
        private final String key;
        private final Collector<QualityAlert> out;
        private Session current;

        Run(String key, Session current, Collector<QualityAlert> out) {
            this.key = key;
            this.current = current;
            this.out = out;
        }

        /** Applies the samples stamped {@code time}; returns the next deadline, or null. */
        Long at(long time, List<CanonicalEvent> samples) {
            if (current != null) {
                long inactive = current.lastEventTs + inactivityTimeoutMs;
                current.media.advanceTo(Math.min(time, inactive), scope());
                if (time >= inactive) {
                    current.media.end(inactive, inactive, scope());
                    sessionsEnded.inc();
                    current = null;
                }
            }
            if (current == null && samples.isEmpty()) {
                return null;
            }
            if (current == null) {
                current = new Session();
            }
            if (!samples.isEmpty()) {
                List<SampleAssessment> assessments = new ArrayList<>(samples.size());
                for (CanonicalEvent sample : samples) {
                    SampleAssessment assessment = SampleAssessment.of(sample, thresholds);
                    assessments.add(assessment);
                    current.samples++;
                    current.agentId = sample.agentId != null ? sample.agentId : current.agentId;
                    if (assessment.mos() != null) {
                        current.mosSum += assessment.mos();
                        current.mosCount++;
                    }
                }
                current.media.onSamples(time, samples, assessments, scope());
            }
            current.media.closeInstant(time, scope());
            if (!samples.isEmpty()) {
                current.lastEventTs = time;
            }
            long inactive = current.lastEventTs + inactivityTimeoutMs;
            Long media = current.media.nextDeadline(thresholds);
            return media == null ? inactive : Math.min(inactive, media);
        }

        private MediaQualityDetector.Scope scope() {
            return new MediaQualityDetector.Scope(
                    key, current.agentId, null, thresholds, out::collect);
        }
    }
}
