package dev.cxq.job;

import dev.cxq.udf.ingest.EventTimeLimits;
import dev.cxq.udf.interaction.InteractionSettings;
import dev.cxq.udf.quality.QualityThresholds;
import dev.cxq.udf.status.PipelineStatusSettings;

import java.io.Serializable;
import java.time.Duration;

/**
 * The semantic settings the topology needs, validated once by the command line. Functions receive
 * the individual values they use, not this object. Their defaults are the options' ({@code
 * cli.Defaults.pipelineSettings()}), declared once on each option.
 *
 * @param maxOutOfOrderness watermark bound: how far events may arrive out of order
 * @param sessionInactivityTimeout event time without any event after which a session ends
 * @param qualityThresholds the media-quality detection rules
 * @param interaction the interaction metrics' rules (business hours, zones, SLA, timeouts)
 * @param dedupRetention how long (processing time) a seen event id is remembered to drop
 *     redeliveries
 * @param mediaSampleDedupRetention the same for media samples, at most {@code dedupRetention}
 * @param sourceIdleness after how long without records a source split (Kafka partition, file) stops
 *     holding the watermark back
 * @param eventTimeLimits the latest event time accepted; a later event is rejected at the source
 * @param pipelineStatus the rules of {@code pipeline_status} (streaming runs only)
 * @param quietSamplesHeld per subtask, the most samples of quiet sessions that wait on the heap for
 *     their session's next deadline; 0: none
 */
public record PipelineSettings(
        Duration maxOutOfOrderness,
        Duration sessionInactivityTimeout,
        QualityThresholds qualityThresholds,
        InteractionSettings interaction,
        Duration dedupRetention,
        Duration mediaSampleDedupRetention,
        Duration sourceIdleness,
        EventTimeLimits eventTimeLimits,
        PipelineStatusSettings pipelineStatus,
        int quietSamplesHeld)
        implements Serializable {

    /** These settings with other {@code pipeline_status} rules. */
    public PipelineSettings withPipelineStatus(PipelineStatusSettings rules) {
        return new PipelineSettings(
                maxOutOfOrderness,
                sessionInactivityTimeout,
                qualityThresholds,
                interaction,
                dedupRetention,
                mediaSampleDedupRetention,
                sourceIdleness,
                eventTimeLimits,
                rules,
                quietSamplesHeld);
    }
}
