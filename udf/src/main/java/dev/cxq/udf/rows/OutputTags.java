package dev.cxq.udf.rows;

import org.apache.flink.util.OutputTag;

/**
 * The side outputs of the topology that carry rows, declared once and named for what they carry.
 * The one that carries KPI inputs, not rows, is {@code interaction.LateKpiInputs#TAG}, beside the
 * function that reads it.
 */
public final class OutputTags {

    private OutputTags() {}

    /** Input records that are not valid events, with their reason. */
    public static final OutputTag<RejectedEvent> REJECTED_EVENTS =
            new OutputTag<>("rejected-events") {};

    /** Valid events that arrived too late in event time to be applied. */
    public static final OutputTag<LateEvent> LATE_EVENTS = new OutputTag<>("late-events") {};

    /** Media-quality alert rows: degradation incidents, media-gap and disconnect warnings. */
    public static final OutputTag<QualityAlert> QUALITY_ALERTS =
            new OutputTag<>("quality-alerts") {};
}
