package dev.cxq.udf.interaction;

import dev.cxq.udf.rows.ComputedMetric;

import org.apache.flink.api.common.functions.FlatMapFunction;
import org.apache.flink.util.Collector;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.ArrayList;
import java.util.List;

/**
 * The {@code computed_metrics} rows of an ended interaction. Every version of a summary maps to the
 * same keys, so a later version (a late upload, a missing recording) overwrites the rows of the
 * earlier one: each row carries the summary's version, and the writers keep the highest. Open
 * interactions have no rows yet.
 */
public class InteractionMetrics implements FlatMapFunction<InteractionSummary, ComputedMetric> {

    private static final long serialVersionUID = 1L;
    private static final ObjectMapper MAPPER = new ObjectMapper();

    @Override
    public void flatMap(InteractionSummary summary, Collector<ComputedMetric> out) {
        rows(summary).forEach(out::collect);
    }

    public static List<ComputedMetric> rows(InteractionSummary s) {
        List<ComputedMetric> rows = new ArrayList<>(8);
        if (!s.isEnded()) {
            return rows;
        }
        String source = s.platformMetrics() ? "platform" : "transitions";
        ObjectNode durations = MAPPER.createObjectNode().put("status", s.status());
        durations.put("durations_from", source);
        rows.add(row(s, "handle_time_s", seconds(s.handleTimeMs()), durations));
        if (s.adjustedAhtExclusion() == null) {
            ObjectNode adjusted = durations.deepCopy();
            adjusted.put("disposition", s.disposition());
            rows.add(row(s, "adjusted_aht_s", seconds(s.handleTimeMs()), adjusted));
        }
        rows.add(row(s, "talk_s", seconds(s.talkMs()), durations));
        rows.add(row(s, "hold_s", seconds(s.holdMs()), durations));
        rows.add(row(s, "wrap_s", seconds(s.wrapMs()), durations));
        rows.add(row(s, "queue_wait_s", seconds(s.queueWaitMs()), durations));
        rows.add(
                row(
                        s,
                        "interaction_status",
                        s.isCompleted() ? 1.0 : 0.0,
                        MAPPER.createObjectNode().put("status", s.status())));
        rows.add(
                row(
                        s,
                        "recording_status",
                        "uploaded".equals(s.recordingStatus()) ? 1.0 : 0.0,
                        MAPPER.createObjectNode()
                                .put("status", s.recordingStatus())
                                .put("required", s.recordingRequired())));
        return rows;
    }

    private static ComputedMetric row(
            InteractionSummary s, String type, double value, ObjectNode metadata) {
        return new ComputedMetric(
                s.interactionId(),
                type,
                s.endMillis(),
                s.agentId(),
                value,
                metadata.toString(),
                s.version());
    }

    private static double seconds(long millis) {
        return millis / 1000.0;
    }
}
