package dev.cxq.udf.session;

/**
 * The tombstone of a session's ended runs ({@code ended-session-samples}): their sample slots,
 * until {@code forgetAt} (processing time). Written by builds before {@link SessionRedeliveries},
 * which now holds the slots; restored ones are read until their timers clear them. A Flink POJO.
 */
public class EndedSamples {
    public SampleSlots slots = new SampleSlots();
    public long forgetAt;

    public EndedSamples() {}
}
