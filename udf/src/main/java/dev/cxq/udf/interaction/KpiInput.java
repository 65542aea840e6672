package dev.cxq.udf.interaction;

import org.apache.flink.api.common.functions.FlatMapFunction;
import org.apache.flink.util.Collector;

import java.util.ArrayList;
import java.util.List;

/**
 * An ended interaction's summary, attributed to one KPI dimension.
 *
 * @param dimension {@code agent} or {@code queue}
 * @param dimensionId the agent or queue id
 * @param summary the summary
 */
public record KpiInput(String dimension, String dimensionId, InteractionSummary summary) {

    /** The window key: one dimension value. */
    public String key() {
        return dimension + ":" + dimensionId;
    }

    /** One input per dimension the ended interaction has; none while it is open. */
    public static List<KpiInput> of(InteractionSummary summary) {
        List<KpiInput> inputs = new ArrayList<>(2);
        if (!summary.isEnded()) {
            return inputs;
        }
        if (summary.agentId() != null) {
            inputs.add(new KpiInput("agent", summary.agentId(), summary));
        }
        if (summary.queueId() != null) {
            inputs.add(new KpiInput("queue", summary.queueId(), summary));
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
}
