package dev.cxq.udf.interaction;

import dev.cxq.udf.rows.ComputedMetric;

import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

import com.fasterxml.jackson.databind.ObjectMapper;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * First-contact resolution, keyed by customer id, fed with interaction summaries. An interaction's
 * {@code fcr} is 0 when the same customer starts another interaction within {@code fcrWindow} after
 * it ended, and 1 otherwise; it is decided when that window closes in event time.
 *
 * <p>The decision reads only the set of start and end times seen, never their arrival order (of an
 * interaction's summaries, the highest version counts, whichever arrives first). It is complete
 * when taken: an interaction's summary is emitted as soon as its customer is known, at its first
 * event at the latest, so every start before the window's end has arrived before the watermark
 * passes it. The span of an interaction is removed once decided: later decisions only look at
 * starts after their own end, which is after every decided interaction's end.
 *
 * <p>A span still open is removed when the watermark passes its start plus {@code fcrWindow}: only
 * decisions up to then can count its start as a repeat contact, and its own decision needs its end
 * summary, which carries the start again. Without that deadline an interaction whose customer id
 * changed (its end goes to the new customer's key) would stay open here forever.
 */
public class FcrFunction extends KeyedProcessFunction<String, InteractionSummary, ComputedMetric> {

    private static final long serialVersionUID = 1L;
    private static final ObjectMapper MAPPER = new ObjectMapper();

    /** An interaction's {@code fcr} row is written once, when decided: it has one version. */
    static final long FCR_ROW_VERSION = 1;

    private final long fcrWindowMs;

    /** Start and end of each of the customer's interactions not decided yet, by interaction id. */
    private transient MapState<String, Span> spans;

    public FcrFunction(InteractionSettings settings) {
        this.fcrWindowMs = settings.fcrWindow().toMillis();
    }

    @Override
    public void open(OpenContext openContext) {
        spans =
                getRuntimeContext()
                        .getMapState(
                                new MapStateDescriptor<>(
                                        "spans", Types.STRING, Types.POJO(Span.class)));
    }

    @Override
    public void processElement(
            InteractionSummary summary, Context ctx, Collector<ComputedMetric> out)
            throws Exception {
        Long end = summary.endMillis();
        if (end != null && end + fcrWindowMs <= ctx.timerService().currentWatermark()) {
            // A re-emission after the decision (a recording SLA longer than the FCR window).
            return;
        }
        Span span = spans.get(summary.interactionId());
        if (span == null) {
            span = new Span();
        } else if (summary.version() < span.version) {
            // An older version after a newer one (a batch run does not keep their order): it would
            // take back the end the newer one reported, and the interaction would never be decided.
            return;
        }
        span.version = summary.version();
        span.startTs = summary.startMillis();
        span.endTs = end;
        span.agentId = summary.agentId();
        spans.put(summary.interactionId(), span);
        // One timer per distinct decision (or expiry) time; registering it again is a no-op.
        ctx.timerService().registerEventTimeTimer((end != null ? end : span.startTs) + fcrWindowMs);
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<ComputedMetric> out)
            throws Exception {
        List<String> done = new ArrayList<>();
        for (Map.Entry<String, Span> entry : spans.entries()) {
            Span span = entry.getValue();
            if (span.endTs == null) {
                if (span.startTs + fcrWindowMs <= timestamp) {
                    done.add(entry.getKey());
                }
                continue;
            }
            if (span.endTs + fcrWindowMs != timestamp) {
                continue;
            }
            String repeat = repeatContact(entry.getKey(), span);
            out.collect(
                    new ComputedMetric(
                            entry.getKey(),
                            "fcr",
                            span.endTs,
                            span.agentId,
                            repeat == null ? 1.0 : 0.0,
                            MAPPER.createObjectNode()
                                    .put("customer_id", ctx.getCurrentKey())
                                    .put("repeat_interaction_id", repeat)
                                    .toString(),
                            FCR_ROW_VERSION));
            done.add(entry.getKey());
        }
        for (String id : done) {
            spans.remove(id);
        }
    }

    /**
     * The earliest (then smallest id) interaction starting within the window after {@code span}.
     */
    private String repeatContact(String id, Span span) throws Exception {
        String repeat = null;
        long repeatStart = Long.MAX_VALUE;
        for (Map.Entry<String, Span> other : spans.entries()) {
            long start = other.getValue().startTs;
            if (other.getKey().equals(id)
                    || start <= span.endTs
                    || start > span.endTs + fcrWindowMs) {
                continue;
            }
            if (start < repeatStart
                    || (start == repeatStart && other.getKey().compareTo(repeat) < 0)) {
                repeat = other.getKey();
                repeatStart = start;
            }
        }
        return repeat;
    }

    /** Start and end of one interaction (a Flink POJO). */
    public static class Span {
        /** The summary version they are from (0 in state written before versions were kept). */
        public int version;

        public long startTs;
        public Long endTs;
        public String agentId;

        public Span() {}
    }
}
