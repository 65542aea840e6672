package dev.cxq.udf.status;

import dev.cxq.udf.model.WireEnum;

/** The status of an input in {@code pipeline_status}; {@link #gaugeValue()} is its metric. */
public enum InputStatus implements WireEnum {
    /** Records arrive and event time follows the wall clock. */
    LIVE(0),
    /** Records arrive but the input is catching up: lag over the threshold, or a backlog burst. */
    SYNCING(1),
    /** No record arrived during the minute. */
    STALLED(2);

    private final int gaugeValue;

    InputStatus(int gaugeValue) {
        this.gaugeValue = gaugeValue;
    }

    /** The value of the {@code cxq.input.<id>.status} gauge. */
    public int gaugeValue() {
        return gaugeValue;
    }
}
