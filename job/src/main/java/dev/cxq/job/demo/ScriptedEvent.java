package dev.cxq.job.demo;

import java.util.Comparator;

/**
 * One event of the demo script: its canonical JSON payload, its event time {@code ts} and the
 * wall-clock instant {@code emitAt} at which the source hands it to Flink. {@code emitAt} equals
 * {@code ts} except for the scripted out-of-order deliveries, redeliveries and stragglers.
 *
 * @param slot the concurrent-session slot that produced it
 * @param seq its position among the events of that slot, in generation order
 */
public record ScriptedEvent(
        long emitAt, long ts, int slot, long seq, String sessionId, String payload) {

    /** Emission order; ties broken by slot and position so the order is total and reproducible. */
    public static final Comparator<ScriptedEvent> EMISSION_ORDER =
            Comparator.comparingLong(ScriptedEvent::emitAt)
                    .thenComparingInt(ScriptedEvent::slot)
                    .thenComparingLong(ScriptedEvent::seq);
}
