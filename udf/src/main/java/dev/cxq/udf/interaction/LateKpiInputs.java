package dev.cxq.udf.interaction;

import dev.cxq.udf.rows.LateEvent;
import dev.cxq.udf.rows.SessionQuality;

import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.functions.RichMapFunction;
import org.apache.flink.metrics.Counter;
import org.apache.flink.util.OutputTag;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The {@code late_events} row of a summary that reached its KPI windows after they had closed,
 * counted in {@code cxq.lateKpiInputs}. Its key names the interaction and version (or the media
 * session and its end), so the same summary reported for both of its dimensions is one row.
 */
public class LateKpiInputs extends RichMapFunction<KpiInput, LateEvent> {

    /**
     * Interaction summaries whose KPI windows had already closed (past the allowed lateness) when
     * they arrived: the input of this function.
     */
    public static final OutputTag<KpiInput> TAG = new OutputTag<>("late-kpi-inputs") {};

    private static final long serialVersionUID = 1L;
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private transient Counter lateKpiInputs;

    @Override
    public void open(OpenContext openContext) {
        lateKpiInputs =
                getRuntimeContext().getMetricGroup().addGroup("cxq").counter("lateKpiInputs");
    }

    @Override
    public LateEvent map(KpiInput input) throws JsonProcessingException {
        lateKpiInputs.inc();
        SessionQuality m = input.media();
        if (m != null) {
            return new LateEvent(
                    "session_quality:" + m.sessionId() + ":" + m.endedAtMillis(),
                    m.sessionId(),
                    m.endedAtMillis(),
                    "session_quality",
                    MAPPER.writeValueAsString(m));
        }
        InteractionSummary s = input.summary();
        return new LateEvent(
                "interaction_summary:" + s.interactionId() + ":" + s.version(),
                s.interactionId(),
                s.endMillis(),
                "interaction_summary",
                MAPPER.writeValueAsString(s));
    }
}
