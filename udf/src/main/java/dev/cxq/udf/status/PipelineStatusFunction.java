package dev.cxq.udf.status;

import dev.cxq.udf.metrics.InputStatusGauges;
import dev.cxq.udf.model.WireEnum;
import dev.cxq.udf.rows.PipelineStatus;

import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

import java.util.Iterator;
import java.util.Map;

/**
 * One {@code pipeline_status} row per input and minute (operator {@code pipeline-status}), keyed by
 * input id. It sums the pre-aggregates of the source subtasks ({@link InputActivityCounter}) per
 * minute, and a processing-time timer at each minute's end plus the grace writes the minute's row,
 * decided by {@link InputStatusTracker}. Rows keep coming while the input is silent ({@code
 * stalled}) until it has had no record for {@code forgetAfter}; then its state is cleared.
 *
 * <p>A pre-aggregate that reaches this operator after its minute's row was written (held up longer
 * than the grace) counts in the minute open then.
 */
public class PipelineStatusFunction
        extends KeyedProcessFunction<String, InputActivity, PipelineStatus> {

    private static final long serialVersionUID = 1L;

    private final PipelineStatusSettings settings;

    private transient ValueState<InputStatusTracker> tracker;
    private transient MapState<Long, Long> recordsByMinute;
    private transient InputStatusGauges gauges;

    public PipelineStatusFunction(PipelineStatusSettings settings) {
        this.settings = settings;
    }

    @Override
    public void open(OpenContext openContext) {
        tracker =
                getRuntimeContext()
                        .getState(
                                new ValueStateDescriptor<>(
                                        "input-status",
                                        TypeInformation.of(InputStatusTracker.class)));
        recordsByMinute =
                getRuntimeContext()
                        .getMapState(
                                new MapStateDescriptor<>(
                                        "records-by-minute", Types.LONG, Types.LONG));
        gauges = new InputStatusGauges(getRuntimeContext().getMetricGroup());
    }

    @Override
    public void processElement(InputActivity activity, Context ctx, Collector<PipelineStatus> out)
            throws Exception {
        InputStatusTracker state = tracker.value();
        if (state == null) {
            state = new InputStatusTracker();
            state.openMinute = minuteOf(activity.minuteStart);
            state.lastRecordsEnd = state.openMinute;
            ctx.timerService().registerProcessingTimeTimer(closeTime(state.openMinute));
        }
        long minute = Math.max(minuteOf(activity.minuteStart), state.openMinute);
        Long sum = recordsByMinute.get(minute);
        recordsByMinute.put(minute, (sum == null ? 0 : sum) + activity.records);
        state.observe(activity.maxEventTime);
        tracker.update(state);
        gauges.seen(activity.input);
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<PipelineStatus> out)
            throws Exception {
        // The wall clock now, not the timer's time: after a restore the timer fires late.
        long now = ctx.timerService().currentProcessingTime();
        InputStatusTracker state = tracker.value();
        long minute = state.openMinute;
        Long records = recordsByMinute.get(minute);
        recordsByMinute.remove(minute);
        PipelineStatus row =
                state.close(
                        ctx.getCurrentKey(), minute, records == null ? 0 : records, now, settings);
        gauges.update(
                row.input(),
                row.eventTimeLagMillis(),
                WireEnum.fromWire(InputStatus.class, row.status()).gaugeValue(),
                row.events());
        out.collect(row);
        if (recordsByMinute.isEmpty() && state.forgotten(now, settings)) {
            tracker.clear();
            gauges.forget(row.input());
            return;
        }
        // After downtime (a restore) the minutes missed are skipped, not written as stalled.
        long next =
                Math.max(
                        minute + settings.interval().toMillis(),
                        minuteOf(now - settings.grace().toMillis()));
        moveEarlierCounts(next);
        state.openMinute = next;
        tracker.update(state);
        ctx.timerService().registerProcessingTimeTimer(closeTime(next));
    }

    /** Counts of skipped minutes go to the minute open next. */
    private void moveEarlierCounts(long next) throws Exception {
        long moved = 0;
        Iterator<Map.Entry<Long, Long>> entries = recordsByMinute.iterator();
        while (entries.hasNext()) {
            Map.Entry<Long, Long> entry = entries.next();
            if (entry.getKey() < next) {
                moved += entry.getValue();
                entries.remove();
            }
        }
        if (moved > 0) {
            Long sum = recordsByMinute.get(next);
            recordsByMinute.put(next, (sum == null ? 0 : sum) + moved);
        }
    }

    private long minuteOf(long time) {
        return time - Math.floorMod(time, settings.interval().toMillis());
    }

    private long closeTime(long minuteStart) {
        return minuteStart + settings.interval().toMillis() + settings.grace().toMillis();
    }
}
