package dev.cxq.job.ops;

import dev.cxq.udf.dedup.PreviousReleaseIds;
import dev.cxq.udf.interaction.FcrFunction;
import dev.cxq.udf.interaction.InteractionFunction;
import dev.cxq.udf.interaction.KpiWindowFunction;
import dev.cxq.udf.model.IdKeySerializer;
import dev.cxq.udf.model.IdKeyedProcessOperator;
import dev.cxq.udf.session.SessionQualityFunction;
import dev.cxq.udf.status.PipelineStatusFunction;

import org.apache.flink.api.common.functions.Function;
import org.apache.flink.api.common.functions.WrappingFunction;
import org.apache.flink.streaming.api.graph.StreamGraph;
import org.apache.flink.streaming.api.graph.StreamNode;
import org.apache.flink.streaming.api.operators.SimpleOperatorFactory;
import org.apache.flink.streaming.api.operators.SimpleUdfStreamOperatorFactory;
import org.apache.flink.streaming.api.operators.StreamOperatorFactory;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every keyed operator of the production topology and the function that holds its keyed state. Each
 * of those functions has a case in udf's {@code StateHygieneTest} that proves its state is empty
 * once every deadline has passed (issue 14); a keyed operator added to the pipeline fails here
 * until it is listed, and it must not be listed without such a case.
 */
class KeyedOperatorsTest {

    /** A keyed operator without a user function: a sink writer behind a keyBy (no keyed state). */
    private static final String NO_FUNCTION = "none";

    @Test
    void everyKeyedOperatorRunsAFunctionWithAStateHygieneCase() {
        Map<String, String> keyed = new TreeMap<>();
        for (StreamNode node : ProductionTopology.streamGraph().getStreamNodes()) {
            if (node.getStateKeySerializer() != null) {
                keyed.put(node.getTransformationUID(), functionOf(node.getOperatorFactory()));
            }
        }
        assertThat(keyed)
                .as(
                        "keyed operators → the function holding their keyed state; a new one needs"
                                + " a case in udf StateHygieneTest first")
                .isEqualTo(
                        Map.of(
                                "dedup-events", PreviousReleaseIds.class.getName(),
                                "session-quality", SessionQualityFunction.class.getName(),
                                "interactions", InteractionFunction.class.getName(),
                                "fcr", FcrFunction.class.getName(),
                                "kpi-windows", KpiWindowFunction.class.getName(),
                                "pipeline-status", PipelineStatusFunction.class.getName(),
                                // Routed by interaction id for ordering; the writer keeps none.
                                "sink-computed-metrics", NO_FUNCTION));
    }

    /**
     * The operators keyed by id ({@link IdKeySerializer}) and their operator classes, each of which
     * takes its timer service with the state backend's key serializer ({@code IdKeyTimers}): after
     * a restore of string keys Flink's own timer service would write the other form. A {@code
     * process} or window operator keyed by id fails here.
     */
    @Test
    void operatorsKeyedByIdTakeTheirTimersInTheFormOfTheirState() {
        Map<String, String> byId = new TreeMap<>();
        for (StreamNode node : ProductionTopology.streamGraph().getStreamNodes()) {
            if (node.getStateKeySerializer() instanceof IdKeySerializer) {
                byId.put(
                        node.getTransformationUID(),
                        ((SimpleOperatorFactory<?>) node.getOperatorFactory())
                                .getOperator()
                                .getClass()
                                .getName());
            }
        }
        assertThat(byId)
                .isEqualTo(
                        Map.of(
                                "session-quality", SessionQualityFunction.class.getName(),
                                "interactions", IdKeyedProcessOperator.class.getName(),
                                "fcr", IdKeyedProcessOperator.class.getName()));
    }

    /**
     * Issue 17: media samples go from the parser to the session function without the shuffle by
     * event id; only the interaction and recording events pass the dedup. The parser routes them
     * itself: no operator between it and the two keyed exchanges.
     */
    @Test
    void mediaSamplesReachTheSessionFunctionWithoutTheEventIdDedup() {
        StreamGraph graph = ProductionTopology.streamGraph();
        Map<String, StreamNode> byUid = new TreeMap<>();
        graph.getStreamNodes().forEach(node -> byUid.put(node.getTransformationUID(), node));
        assertThat(upstreamUids(graph, byUid.get("dedup-events"))).containsExactly("parse-events");
        assertThat(upstreamUids(graph, byUid.get("session-quality")))
                .containsExactlyInAnyOrder("parse-events", "dedup-events");
        assertThat(upstreamUids(graph, byUid.get("interactions")))
                .as("the first deliveries that the session function hands on")
                .containsExactly("session-quality");
    }

    private static List<String> upstreamUids(StreamGraph graph, StreamNode node) {
        return node.getInEdges().stream()
                .map(edge -> graph.getStreamNode(edge.getSourceId()).getTransformationUID())
                .toList();
    }

    /**
     * The user function of an operator, unwrapped from Flink's window function adapters, or the
     * operator itself when it holds the state (the media path's {@code SessionQualityFunction}).
     */
    private static String functionOf(StreamOperatorFactory<?> factory) {
        if (!(factory instanceof SimpleUdfStreamOperatorFactory<?> udf)) {
            return factory instanceof SimpleOperatorFactory<?> simple
                    ? simple.getOperator().getClass().getName()
                    : NO_FUNCTION;
        }
        Function function = udf.getUserFunction();
        while (function instanceof WrappingFunction<?> wrapping) {
            function = wrapping.getWrappedFunction();
        }
        return function.getClass().getName();
    }
}
