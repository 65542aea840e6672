package dev.cxq.udf.interaction;

import dev.cxq.udf.rows.SessionQuality;

import org.apache.flink.api.common.functions.FlatMapFunction;
import org.apache.flink.util.Collector;

import java.util.ArrayList;
import java.util.List;

/**
 * One ended thing attributed to one KPI dimension: either an interaction's summary or a session's
 * media summary (exactly one of the two is set). Both meet in the same windows, so the interaction
 * and media metrics of an agent or queue are computed and written together.
 *
 * @param dimension {@code agent} or {@code queue}
 * @param dimensionId the agent or queue id
 * @param summary the interaction's summary, or null for a media input
 * @param media the session's media summary, or null for an interaction input
 */
public record KpiInput(
        String dimension, String dimensionId, InteractionSummary summary, SessionQuality media) {

    /** The window key: one dimension value. */
    public String key() {
        return dimension + ":" + dimensionId;
    }

    /** The event time the input is windowed by: when the interaction or the session ended. */
    public long endMillis() {
        return summary != null ? summary.endMillis() : media.endedAtMillis();
    }

    /** One input per dimension the ended interaction has; none while it is open. */
    public static List<KpiInput> of(InteractionSummary summary) {
        List<KpiInput> inputs = new ArrayList<>(2);
        if (!summary.isEnded()) {
            return inputs;
        }
        if (summary.agentId() != null) {
            inputs.add(new KpiInput("agent", summary.agentId(), summary, null));
        }
        if (summary.queueId() != null) {
            inputs.add(new KpiInput("queue", summary.queueId(), summary, null));
        }
        return inputs;
    }

    /** One input per dimension the session's media summary has (a row is only ever final). */
    public static List<KpiInput> of(SessionQuality media) {
        List<KpiInput> inputs = new ArrayList<>(2);
        if (media.agentId() != null) {
            inputs.add(new KpiInput("agent", media.agentId(), null, media));
        }
        if (media.queueId() != null) {
            inputs.add(new KpiInput("queue", media.queueId(), null, media));
        }
        return inputs;
    }

    /** Splits each ended summary into its dimensions. */
    public static class Split implements FlatMapFunction<InteractionSummary, KpiInput> {

        private static final long serialVersionUID = 1L;

        @Override
        public void flatMap(InteractionSummary summary, Collector<KpiInput> out) {
            of(summary).forEach(out::collect);
        }
    }

    /** Splits each session's media summary into its dimensions. */
    public static class SplitMedia implements FlatMapFunction<SessionQuality, KpiInput> {

        private static final long serialVersionUID = 1L;

        @Override
        public void flatMap(SessionQuality media, Collector<KpiInput> out) {
            of(media).forEach(out::collect);
        }
    }
}
