package dev.cxq.udf.time;

import dev.cxq.udf.json.CanonicalJson;
import dev.cxq.udf.metrics.EventTimeLag;
import dev.cxq.udf.model.CanonicalEvent;
import dev.cxq.udf.rows.OutputTags;

import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

import java.util.ArrayList;
import java.util.List;

/**
 * Base for per-session functions that must see their events in event-time order, whatever order
 * they arrive in, and that act on deadlines in event time (hysteresis, gaps, inactivity).
 *
 * <p>Events wait in keyed state until the watermark passes their timestamp; then {@link
 * #onEventTime} receives them, sorted deterministically. The subclass returns its next deadline;
 * the base calls {@link #onEventTime} again at that time (with no events, unless some share the
 * instant). Results therefore depend neither on arrival order within the watermark bound nor on the
 * execution mode.
 *
 * <p>Why the base owns the deadline: in BATCH execution Flink fires all timers of a key at its end
 * and ignores timers registered meanwhile. So a deadline that has passed without its timer firing
 * is caught up before the next event time is processed, and once the input of the key is exhausted
 * (watermark at the end of time, nothing pending) every remaining deadline is run in order.
 * STREAMING execution simply fires the registered timers.
 *
 * <p>Events already behind the watermark when they arrive cannot be placed in order any more; they
 * go to {@link OutputTags#LATE_EVENTS} and are counted in {@code cxq.lateEvents}, as are those
 * their split found late ({@link CanonicalEvent#lateOnArrival}) once the watermark has passed them.
 * The hand-over itself is {@link EventTimeOrder}'s, shared with the media path's operator ({@code
 * SessionQualityFunction}), which keeps its buffer on the heap. How far event time is behind the
 * wall clock is the gauge {@code cxq.eventTimeLag} ({@link EventTimeLag}).
 */
public abstract class EventTimeOrderedFunction<OUT>
        extends KeyedProcessFunction<String, CanonicalEvent, OUT> {

    private static final long serialVersionUID = 1L;

    /**
     * Events waiting for the watermark, in arrival order. Appending is a blind write (a RocksDB
     * merge); the timer of an event's timestamp takes the events at it out, sorted.
     */
    private transient ListState<CanonicalEvent> pending;

    /** The subclass's next deadline; its timer is registered while it is in the future. */
    private transient ValueState<Long> deadline;

    private transient Counter lateEvents;

    private transient EventTimeLag eventTimeLag;

    @Override
    public void open(OpenContext openContext) throws Exception {
        pending =
                getRuntimeContext()
                        .getListState(
                                new ListStateDescriptor<>(
                                        "buffered-events",
                                        TypeInformation.of(CanonicalEvent.class)));
        deadline = getRuntimeContext().getState(new ValueStateDescriptor<>("deadline", Types.LONG));
        lateEvents = getRuntimeContext().getMetricGroup().addGroup("cxq").counter("lateEvents");
        eventTimeLag = EventTimeLag.register(getRuntimeContext().getMetricGroup());
    }

    @Override
    public final void processElement(CanonicalEvent event, Context ctx, Collector<OUT> out)
            throws Exception {
        eventTimeLag.observe(
                ctx.timerService().currentProcessingTime(), ctx.timerService().currentWatermark());
        boolean behind = event.ts <= ctx.timerService().currentWatermark();
        if (behind) {
            writeLate(event, ctx);
            return;
        }
        pending.add(event);
        // Registering a timestamp that already has a timer is a no-op.
        ctx.timerService().registerEventTimeTimer(event.ts);
    }

    @Override
    public final void onTimer(long timestamp, OnTimerContext ctx, Collector<OUT> out)
            throws Exception {
        eventTimeLag.observe(
                ctx.timerService().currentProcessingTime(), ctx.timerService().currentWatermark());
        List<CanonicalEvent> due = new ArrayList<>();
        List<CanonicalEvent> lateDue = new ArrayList<>();
        List<CanonicalEvent> waiting = new ArrayList<>();
        Iterable<CanonicalEvent> buffered = pending.get();
        if (buffered != null) {
            for (CanonicalEvent event : buffered) {
                if (event.ts > timestamp) {
                    waiting.add(event);
                } else {
                    (event.lateOnArrival ? lateDue : due).add(event);
                }
            }
        }
        if (!due.isEmpty() || !lateDue.isEmpty()) {
            pending.update(waiting);
        }

        Long previous = deadline.value();
        // Timers fire in timestamp order, so the due events are those at this timestamp.
        due.sort(EventTimeOrder.HAND_OVER);
        EventTimeOrder.Step step = (time, events) -> onEventTime(time, events, ctx, out);
        Long next = EventTimeOrder.handOver(due, previous, timestamp, step);
        // Found late by their split: applied nowhere (docs/semantics.md, "Lateness").
        lateDue.sort(EventTimeOrder.HAND_OVER);
        for (CanonicalEvent event : lateDue) {
            writeLate(event, ctx);
        }
        boolean endOfInput = ctx.timerService().currentWatermark() == Long.MAX_VALUE;
        if (endOfInput && waiting.isEmpty()) {
            // Nothing more will arrive for this key: every remaining deadline has passed.
            EventTimeOrder.runAll(next, step);
            next = null;
        }
        updateDeadline(previous, next, waiting, endOfInput, ctx);
    }

    private void updateDeadline(
            Long previous,
            Long next,
            List<CanonicalEvent> waiting,
            boolean endOfInput,
            OnTimerContext ctx)
            throws Exception {
        if (next == null) {
            deadline.clear();
        } else if (!next.equals(previous)) {
            deadline.update(next);
        }
        if (previous != null && !previous.equals(next) && !hasEventAt(waiting, previous)) {
            ctx.timerService().deleteEventTimeTimer(previous);
        }
        // At the end of input the catch-up above runs deadlines; a timer would be ignored (BATCH).
        if (next != null && !next.equals(previous) && !endOfInput) {
            ctx.timerService().registerEventTimeTimer(next);
        }
    }

    /** Writes {@code event} to {@code late_events}: it was applied nowhere. */
    private void writeLate(CanonicalEvent event, Context ctx) {
        lateEvents.inc();
        ctx.output(OutputTags.LATE_EVENTS, CanonicalJson.lateEvent(event));
    }

    private static boolean hasEventAt(List<CanonicalEvent> events, long ts) {
        for (CanonicalEvent event : events) {
            if (event.ts == ts) {
                return true;
            }
        }
        return false;
    }

    /**
     * Called in event-time order: once the watermark has passed {@code time}, with the events
     * stamped {@code time} (possibly none, when {@code time} is the deadline this function asked
     * for).
     *
     * @return the next deadline, strictly after {@code time}, or {@code null} for none
     */
    protected abstract Long onEventTime(
            long time, List<CanonicalEvent> events, OnTimerContext ctx, Collector<OUT> out)
            throws Exception;
}
