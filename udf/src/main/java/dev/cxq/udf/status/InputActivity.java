package dev.cxq.udf.status;

/**
 * What one source subtask read from one input during (part of) one minute of processing time: the
 * per-subtask pre-aggregate that {@link PipelineStatusFunction} sums per input. A POJO (Flink's
 * serializer, no Kryo).
 */
public class InputActivity {

    /** The input's id ({@link dev.cxq.udf.model.RawRecord#split()}). */
    public String input;

    /** Start of the processing-time minute the records were read in. */
    public long minuteStart;

    /** Records read. */
    public long records;

    /** The largest event time among them, {@link Long#MIN_VALUE} when none had one. */
    public long maxEventTime = Long.MIN_VALUE;

    public InputActivity() {}

    public InputActivity(String input, long minuteStart, long records, long maxEventTime) {
        this.input = input;
        this.minuteStart = minuteStart;
        this.records = records;
        this.maxEventTime = maxEventTime;
    }

    @Override
    public String toString() {
        return input + "@" + minuteStart + " records " + records + " max " + maxEventTime;
    }
}
