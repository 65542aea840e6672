package dev.cxq.job;

import dev.cxq.job.sink.CxqSinks;
import dev.cxq.job.sink.CxqTables;
import dev.cxq.job.sink.DeadLetter;
import dev.cxq.job.sink.webhook.AlertWebhookMessage;
import dev.cxq.job.sink.webhook.WebhookSettings;
import dev.cxq.job.source.SourceWatermarks;
import dev.cxq.udf.dedup.EventIdentity;
import dev.cxq.udf.dedup.PreviousReleaseIds;
import dev.cxq.udf.ingest.ParseFunction;
import dev.cxq.udf.interaction.FcrFunction;
import dev.cxq.udf.interaction.InteractionEndWindows;
import dev.cxq.udf.interaction.InteractionFunction;
import dev.cxq.udf.interaction.InteractionMetrics;
import dev.cxq.udf.interaction.InteractionSettings;
import dev.cxq.udf.interaction.InteractionSummary;
import dev.cxq.udf.interaction.KpiInput;
import dev.cxq.udf.interaction.KpiWindowFunction;
import dev.cxq.udf.interaction.LateKpiInputs;
import dev.cxq.udf.model.CanonicalEvent;
import dev.cxq.udf.model.IdKeyTypeInfo;
import dev.cxq.udf.model.IdKeyedProcessOperator;
import dev.cxq.udf.model.RawRecord;
import dev.cxq.udf.rows.ComputedMetric;
import dev.cxq.udf.rows.KpiWindow;
import dev.cxq.udf.rows.LateEvent;
import dev.cxq.udf.rows.OutputTags;
import dev.cxq.udf.rows.QualityAlert;
import dev.cxq.udf.rows.SessionQuality;
import dev.cxq.udf.session.SessionQualityFunction;
import dev.cxq.udf.status.InputActivity;
import dev.cxq.udf.status.InputActivityCounter;
import dev.cxq.udf.status.PipelineStatusFunction;
import dev.cxq.udf.status.PipelineStatusSettings;

import org.apache.flink.api.common.RuntimeExecutionMode;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.configuration.ExecutionOptions;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

import java.time.Duration;
import java.util.List;

/**
 * The cxq topology. It takes its source and sinks as parameters, so the command line, the demo and
 * the tests run the same wiring with different ends.
 *
 * <pre>
 * source+watermarks ─▶ parse ─┬─(media samples)──────────────────────────┬─▶ keyBy(session_id) ─▶ session quality ─▶ session_quality
 *                  ├─(others)─▶ keyBy(event_id) ─▶ previous release's ids ┘     ├─(alerts)─▶ quality_alerts, webhook_outbox
 *                  │                                                             ├─(media)──────────────────────────────────┐
 *                  │                     ┌─(first deliveries of interaction and recording events)                          │
 *                  │                     └─▶ keyBy(session_id) ─▶ interactions ─┬─▶ keyBy(interaction_id) ─▶ computed_metrics │
 *                  │                                 keyBy(customer_id) ─▶ fcr ◀─┤   │                                      │
 *                  │                                 keyBy(agent|queue) ─▶ kpi windows ◀─┴───┴──────────────────────────────┘
 *                  ├─(each record's split)─▶ input activity ─▶ keyBy(input) ─▶ pipeline status ─▶ pipeline_status (streaming only)
 *                  ├─(rejected)─────────────────────────────────────────────────────────────▶ rejected_events
 *                  └─ late events of every keyed operator ──────────────────────────────────▶ late_events
 * </pre>
 *
 * <p>Interaction and recording events are deduplicated by the session function, in the session's
 * own state, which hands their first deliveries to the interactions; before it, keyed by event id,
 * the ids that releases before it remembered are consulted for one retention after a restore from
 * their savepoint ({@code PreviousReleaseIds}).
 */
public final class CxqPipeline {

    /** KPI window sizes of the contract. */
    private static final List<Duration> KPI_WINDOW_SIZES =
            List.of(Duration.ofMinutes(5), Duration.ofHours(1));

    private final Source<RawRecord, ?, ?> source;
    private final CxqSinks sinks;
    private final PipelineSettings settings;
    private final WebhookSettings webhooks;

    /** Where rejected and late events are also written, or null. */
    private Sink<DeadLetter> deadLetters;

    /** Where alert transitions are also written (the alerts topic), or null. */
    private Sink<QualityAlert> alertsTopic;

    public CxqPipeline(
            Source<RawRecord, ?, ?> source,
            CxqSinks sinks,
            PipelineSettings settings,
            WebhookSettings webhooks) {
        this.source = source;
        this.sinks = sinks;
        this.settings = settings;
        this.webhooks = webhooks;
    }

    /** Also writes rejected and late events to {@code sink} (the dead-letter topic). */
    public CxqPipeline withDeadLetters(Sink<DeadLetter> sink) {
        this.deadLetters = sink;
        return this;
    }

    /** Also writes every alert transition to {@code sink} (the alerts topic). */
    public CxqPipeline withAlertsTopic(Sink<QualityAlert> sink) {
        this.alertsTopic = sink;
        return this;
    }

    /** Adds the topology to {@code env}; the caller executes it. */
    public void build(StreamExecutionEnvironment env) {
        DataStream<RawRecord> raw =
                env.fromSource(
                                source,
                                SourceWatermarks.of(
                                        settings.maxOutOfOrderness(),
                                        settings.sourceIdleness(),
                                        settings.eventTimeLimits()),
                                "Input records")
                        .uid("input-records");

        // Its main output is the media samples; interaction and recording events, rejections and
        // each record's split leave on side outputs, without a chained filter's copy of each event.
        SingleOutputStreamOperator<CanonicalEvent> parsed =
                raw.process(
                                new ParseFunction(
                                        settings.eventTimeLimits(), settings.maxOutOfOrderness()))
                        .uid("parse-events")
                        .name("Parse events");

        parsed.getSideOutput(OutputTags.REJECTED_EVENTS)
                .sinkTo(sinks.sink(CxqTables.REJECTED_EVENTS))
                .uid("sink-rejected-events")
                .name("rejected_events");

        if (env.getConfiguration().get(ExecutionOptions.RUNTIME_MODE)
                == RuntimeExecutionMode.STREAMING) {
            buildPipelineStatus(parsed.getSideOutput(ParseFunction.RECORDS_READ));
        }

        // Interaction and recording events go to the session function with the samples: it
        // remembers each session's ids and sample slots in one value, drops the copies, and hands
        // the first deliveries of interaction and recording events to the interaction functions
        // (docs/dedup.md). The ids that releases before it kept, one entry each, are keyed by id.
        DataStream<CanonicalEvent> events =
                parsed.getSideOutput(ParseFunction.INTERACTION_AND_RECORDING_EVENTS)
                        .keyBy(EventIdentity::of)
                        .process(
                                new PreviousReleaseIds(
                                        settings.dedupRetention(),
                                        settings.mediaSampleDedupRetention()))
                        .uid("dedup-events")
                        .name("Drop ids seen by the previous release");

        // Keyed by id in IdKeySerializer's form: a UUID key in 17 bytes instead of 37, in every
        // state entry and timer of the operators keyed by session or customer (docs/dedup.md).
        SingleOutputStreamOperator<SessionQuality> sessionQuality =
                parsed.union(events)
                        .keyBy(event -> event.sessionId, IdKeyTypeInfo.INSTANCE)
                        .transform(
                                "Session quality",
                                TypeInformation.of(SessionQuality.class),
                                new SessionQualityFunction(
                                        settings.sessionInactivityTimeout(),
                                        settings.qualityThresholds(),
                                        settings.mediaSampleDedupRetention(),
                                        settings.dedupRetention(),
                                        settings.quietSamplesHeld()))
                        .uid("session-quality");

        sessionQuality
                .sinkTo(sinks.sink(CxqTables.SESSION_QUALITY))
                .uid("sink-session-quality")
                .name("session_quality");

        DataStream<QualityAlert> alerts = sessionQuality.getSideOutput(OutputTags.QUALITY_ALERTS);
        alerts.sinkTo(sinks.sink(CxqTables.QUALITY_ALERTS))
                .uid("sink-quality-alerts")
                .name("quality_alerts");
        buildAlertWebhooks(alerts);
        if (alertsTopic != null) {
            alerts.sinkTo(alertsTopic).uid("sink-alerts-topic").name("Alerts topic");
        }

        DataStream<LateEvent> interactionLateEvents =
                buildInteractions(
                        sessionQuality.getSideOutput(SessionQualityFunction.FIRST_DELIVERIES),
                        sessionQuality);

        DataStream<LateEvent> lateEvents =
                sessionQuality.getSideOutput(OutputTags.LATE_EVENTS).union(interactionLateEvents);
        lateEvents
                .sinkTo(sinks.sink(CxqTables.LATE_EVENTS))
                .uid("sink-late-events")
                .name("late_events");

        if (deadLetters != null) {
            parsed.getSideOutput(OutputTags.REJECTED_EVENTS)
                    .map(DeadLetter::rejected)
                    .uid("dead-letter-rejected")
                    .name("Rejected as dead letters")
                    .union(
                            lateEvents
                                    .map(DeadLetter::late)
                                    .uid("dead-letter-late")
                                    .name("Late as dead letters"))
                    .sinkTo(deadLetters)
                    .uid("sink-dead-letters")
                    .name("Dead-letter topic");
        }
    }

    /**
     * The data-syncing signal, {@code pipeline_status}: per input and wall-clock minute. Streaming
     * runs only: a BATCH run has no wall clock that its event time could be behind, and its
     * processing-time timers would all fire at the end of input.
     */
    private void buildPipelineStatus(DataStream<String> splitsRead) {
        PipelineStatusSettings rules = settings.pipelineStatus();
        splitsRead
                .transform(
                        "Input activity per minute",
                        TypeInformation.of(InputActivity.class),
                        new InputActivityCounter(rules.interval()))
                .uid("input-activity")
                .keyBy(activity -> activity.input)
                .process(new PipelineStatusFunction(rules))
                .uid("pipeline-status")
                .name("Pipeline status")
                .sinkTo(sinks.sink(CxqTables.PIPELINE_STATUS))
                .uid("sink-pipeline-status")
                .name("pipeline_status");
    }

    /**
     * The webhook outbox: one row per alert transition, written like the other tables. No endpoint
     * is called from the job, so an endpoint that is down cannot slow or stop it; the delivery
     * workers ({@code WebhookDeliveries}) drain the outbox.
     */
    private void buildAlertWebhooks(DataStream<QualityAlert> alerts) {
        if (webhooks.endpoints().isEmpty()) {
            return;
        }
        alerts.map(new AlertWebhookMessage(webhooks.environment()))
                .uid("alert-webhook-messages")
                .name("Alert webhook bodies")
                .sinkTo(sinks.sink(CxqTables.WEBHOOK_OUTBOX))
                .uid("sink-webhook-outbox")
                .name("webhook_outbox");
    }

    /** The interaction side; returns its late events (interaction events and KPI inputs). */
    private DataStream<LateEvent> buildInteractions(
            DataStream<CanonicalEvent> events, DataStream<SessionQuality> sessionQuality) {
        InteractionSettings rules = settings.interaction();
        SingleOutputStreamOperator<InteractionSummary> interactions =
                events.keyBy(event -> event.sessionId, IdKeyTypeInfo.INSTANCE)
                        .transform(
                                "Interaction lifecycle",
                                TypeInformation.of(InteractionSummary.class),
                                new IdKeyedProcessOperator<>(new InteractionFunction(rules)))
                        .uid("interactions");

        DataStream<ComputedMetric> interactionMetrics =
                interactions
                        .flatMap(new InteractionMetrics())
                        .uid("interaction-metrics")
                        .name("Interaction metrics");

        DataStream<ComputedMetric> fcr =
                interactions
                        .filter(summary -> summary.customerId() != null)
                        .uid("interactions-with-customer")
                        .name("Interactions with a customer")
                        .keyBy(InteractionSummary::customerId, IdKeyTypeInfo.INSTANCE)
                        .transform(
                                "First-contact resolution",
                                TypeInformation.of(ComputedMetric.class),
                                new IdKeyedProcessOperator<>(new FcrFunction(rules)))
                        .uid("fcr");

        // The union cannot chain to the sink, and an unkeyed edge (rescale in batch) may reorder
        // the versions of one interaction's rows: routed by interaction, one interaction's rows
        // reach one writer in the order they were produced.
        interactionMetrics
                .union(fcr)
                .keyBy(ComputedMetric::interactionId)
                .sinkTo(sinks.sink(CxqTables.COMPUTED_METRICS))
                .uid("sink-computed-metrics")
                .name("computed_metrics");

        DataStream<KpiInput> mediaKpiInputs =
                sessionQuality
                        .flatMap(new KpiInput.SplitMedia())
                        .uid("kpi-media-inputs")
                        .name("Session media per agent and queue");

        SingleOutputStreamOperator<KpiWindow> kpis =
                interactions
                        .flatMap(new KpiInput.Split())
                        .uid("kpi-inputs")
                        .name("Interaction per agent and queue")
                        .union(mediaKpiInputs)
                        .keyBy(KpiInput::key)
                        .window(new InteractionEndWindows(KPI_WINDOW_SIZES))
                        // A late recording upload still corrects the window its interaction ended
                        // in.
                        .allowedLateness(rules.recordingSla())
                        .sideOutputLateData(LateKpiInputs.TAG)
                        .process(new KpiWindowFunction())
                        .uid("kpi-windows")
                        .name("KPI windows");

        kpis.sinkTo(sinks.sink(CxqTables.KPI_WINDOWS)).uid("sink-kpi-windows").name("kpi_windows");

        DataStream<LateEvent> lateKpiInputs =
                kpis.getSideOutput(LateKpiInputs.TAG)
                        .map(new LateKpiInputs())
                        .uid("late-kpi-inputs")
                        .name("Late KPI inputs");
        return interactions.getSideOutput(OutputTags.LATE_EVENTS).union(lateKpiInputs);
    }
}
