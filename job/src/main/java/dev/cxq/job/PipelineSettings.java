package dev.cxq.job;

import java.io.Serializable;
import java.time.Duration;

/**
 * The semantic settings the topology needs, validated once by the command line. Functions receive
 * the individual values they use, not this object.
 *
 * @param maxOutOfOrderness watermark bound: how far events may arrive out of order
 * @param sessionInactivityTimeout event time without any event after which a session ends
 * @param dedupRetention how long (processing time) a seen event id is remembered to drop
 *     redeliveries
 */
public record PipelineSettings(
        Duration maxOutOfOrderness, Duration sessionInactivityTimeout, Duration dedupRetention)
        implements Serializable {

    public static PipelineSettings defaults() {
        return new PipelineSettings(
                Duration.ofSeconds(10), Duration.ofMinutes(30), Duration.ofHours(48));
    }
}
