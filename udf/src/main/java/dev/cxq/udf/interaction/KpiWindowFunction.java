package dev.cxq.udf.interaction;

import dev.cxq.udf.rows.KpiWindow;
import dev.cxq.udf.rows.SessionQuality;

import org.apache.flink.streaming.api.functions.windowing.ProcessWindowFunction;
import org.apache.flink.streaming.api.windowing.windows.TimeWindow;
import org.apache.flink.util.Collector;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The KPI rows of one agent or queue over one window. The window holds every version of every
 * summary that ended in it; only the latest version of each interaction counts, so a late upload
 * replaces the interaction's figures instead of being added to them. Every firing writes all
 * metrics under the same keys (an upsert), versioned by the number of inputs the window has
 * absorbed: a window only grows until it is purged, so a later firing has the higher version.
 *
 * <p>Averages are over completed interactions; adjusted AHT only over those not excluded (IVR
 * self-service, outside business hours), and an average over nothing is null, never zero. The
 * recording counts are over interactions that require a recording.
 *
 * <p>The media metrics come from the sessions' media summaries that ended in the window: {@code
 * avg_mos} is the mean MOS over all their samples that carry one (each session's average weighted
 * by its MOS samples), {@code count} the sessions contributing; {@code degradation_incidents} is
 * the sum of their incidents, {@code count} the media sessions. With no media session both are null
 * with count 0: nothing was measured, which is not a zero.
 */
public class KpiWindowFunction
        extends ProcessWindowFunction<KpiInput, KpiWindow, String, TimeWindow> {

    private static final long serialVersionUID = 1L;

    /** The metric names of the contract this function computes, in output order. */
    public static final List<String> METRICS =
            List.of(
                    "interactions_completed",
                    "avg_handle_time_s",
                    "avg_adjusted_aht_s",
                    "recording_required",
                    "recording_uploaded",
                    "recording_failed",
                    "recording_pending",
                    "recording_compliance_rate",
                    "avg_mos",
                    "degradation_incidents");

    @Override
    public void process(
            String key, Context context, Iterable<KpiInput> inputs, Collector<KpiWindow> out) {
        Map<String, InteractionSummary> latest = new HashMap<>();
        // Sorted: the floating-point sum below must not depend on arrival order.
        Map<String, SessionQuality> media = new TreeMap<>();
        KpiInput any = null;
        long absorbed = 0;
        for (KpiInput input : inputs) {
            any = input;
            absorbed++;
            if (input.media() != null) {
                // Emitted once per session; should a session id end twice, its later end wins,
                // as in session_quality.
                media.merge(
                        input.media().sessionId(),
                        input.media(),
                        (a, b) -> a.endedAtMillis() >= b.endedAtMillis() ? a : b);
            } else {
                latest.merge(
                        input.summary().interactionId(),
                        input.summary(),
                        (a, b) -> a.version() >= b.version() ? a : b);
            }
        }
        long interactions = latest.size();
        long completed = 0;
        long handleMs = 0;
        long adjustedCount = 0;
        long adjustedMs = 0;
        long required = 0;
        long uploaded = 0;
        long failed = 0;
        long pending = 0;
        for (InteractionSummary s : latest.values()) {
            if (s.isCompleted()) {
                completed++;
                handleMs += s.handleTimeMs();
                if (s.adjustedAhtExclusion() == null) {
                    adjustedCount++;
                    adjustedMs += s.handleTimeMs();
                }
            }
            if (s.recordingRequired()) {
                required++;
                switch (s.recordingStatus()) {
                    case "uploaded" -> uploaded++;
                    case "failed" -> failed++;
                    case "pending" -> pending++;
                    default -> {
                        // missing: required, not uploaded; counted in the rate's denominator only.
                    }
                }
            }
        }
        long mosSessions = 0;
        long mosSamples = 0;
        double mosWeighted = 0;
        long incidents = 0;
        for (SessionQuality q : media.values()) {
            if (q.avgMos() != null && q.mosSamples() > 0) {
                mosSessions++;
                mosSamples += q.mosSamples();
                mosWeighted += q.avgMos() * q.mosSamples();
            }
            incidents += q.incidents();
        }
        long mediaSessions = media.size();
        TimeWindow window = context.window();
        String size = Duration.ofMillis(window.getEnd() - window.getStart()).toString();
        String dimension = any.dimension();
        String dimensionId = any.dimensionId();
        long rowVersion = absorbed;
        Emitter emit =
                (metric, value, count) ->
                        out.collect(
                                new KpiWindow(
                                        dimension,
                                        dimensionId,
                                        window.getStart(),
                                        size,
                                        metric,
                                        window.getEnd(),
                                        value,
                                        count,
                                        rowVersion));
        emit.row("interactions_completed", (double) completed, interactions);
        emit.row("avg_handle_time_s", average(handleMs, completed), completed);
        emit.row("avg_adjusted_aht_s", average(adjustedMs, adjustedCount), adjustedCount);
        emit.row("recording_required", (double) required, required);
        emit.row("recording_uploaded", (double) uploaded, required);
        emit.row("recording_failed", (double) failed, required);
        emit.row("recording_pending", (double) pending, required);
        emit.row(
                "recording_compliance_rate",
                required == 0 ? null : (double) uploaded / required,
                required);
        emit.row("avg_mos", mosSamples == 0 ? null : mosWeighted / mosSamples, mosSessions);
        emit.row(
                "degradation_incidents",
                mediaSessions == 0 ? null : (double) incidents,
                mediaSessions);
    }

    private static Double average(long totalMs, long count) {
        return count == 0 ? null : totalMs / 1000.0 / count;
    }

    private interface Emitter {
        void row(String metric, Double value, long count);
    }
}
