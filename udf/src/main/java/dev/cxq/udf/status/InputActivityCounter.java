package dev.cxq.udf.status;

import dev.cxq.udf.model.RawRecord;

import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.BoundedOneInput;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/**
 * The per-subtask pre-aggregation of {@code pipeline_status} (operator {@code input-activity},
 * chained to the parser, which passes on each record's split: {@code
 * ingest.ParseFunction#RECORDS_READ}): per input ({@link RawRecord#split()}) and processing-time
 * minute, the records read and their largest event time (the source's timestamp; a record to be
 * rejected has none). It emits one {@link InputActivity} per input at each minute's end (a
 * processing-time timer), when an input's minute changes, before each checkpoint barrier (so
 * nothing is held in a checkpoint: no state) and at the end of input. So the keyed {@link
 * PipelineStatusFunction} sees a few records per input and subtask per minute, not one per event.
 */
public final class InputActivityCounter extends AbstractStreamOperator<InputActivity>
        implements OneInputStreamOperator<String, InputActivity>, BoundedOneInput {

    private static final long serialVersionUID = 1L;

    private final long intervalMillis;

    private transient Map<String, InputActivity> open;

    /** Whether a flush timer is registered. */
    private transient boolean flushPending;

    public InputActivityCounter(Duration interval) {
        this.intervalMillis = interval.toMillis();
    }

    @Override
    public void open() throws Exception {
        super.open();
        open = new HashMap<>();
    }

    @Override
    public void processElement(StreamRecord<String> element) {
        long now = getProcessingTimeService().getCurrentProcessingTime();
        long minute = now - Math.floorMod(now, intervalMillis);
        String input = element.getValue();
        InputActivity activity = open.get(input);
        if (activity != null && activity.minuteStart != minute) {
            output.collect(new StreamRecord<>(activity));
            activity = null;
        }
        if (activity == null) {
            activity = new InputActivity(input, minute, 0, Long.MIN_VALUE);
            open.put(input, activity);
        }
        activity.records++;
        // A record without the source's timestamp comes from the parser's side output at
        // Long.MIN_VALUE, which moves nothing.
        activity.maxEventTime = Math.max(activity.maxEventTime, element.getTimestamp());
        if (!flushPending) {
            flushPending = true;
            getProcessingTimeService().registerTimer(minute + intervalMillis, this::flush);
        }
    }

    private void flush(long time) {
        flushPending = false;
        emitAll();
    }

    @Override
    public void prepareSnapshotPreBarrier(long checkpointId) throws Exception {
        super.prepareSnapshotPreBarrier(checkpointId);
        emitAll();
    }

    @Override
    public void endInput() {
        emitAll();
    }

    private void emitAll() {
        for (InputActivity activity : open.values()) {
            output.collect(new StreamRecord<>(activity));
        }
        open.clear();
    }
}
