package dev.cxq.udf.ingest;

import dev.cxq.udf.model.CanonicalEvent;

import java.io.Serializable;
import java.time.Duration;
import java.time.Instant;

/**
 * The latest event time an accepted event may carry: the wall clock (or a fixed {@code
 * referenceNow}, for replays of a corpus whose times run ahead of this machine's clock) plus {@code
 * futureTolerance}. An event beyond it is rejected ({@code timestamp_in_future}) where the source
 * reads event times, so it never moves a watermark: one event from 2099 would otherwise declare
 * every later event late and end every open session.
 *
 * <p>The wall clock is only an upper bound: an event older than the moment it is read is accepted
 * whenever it is read, so a replay of history decides exactly as the live run did. With {@code
 * referenceNow} set the decision does not depend on the clock at all.
 */
public final class EventTimeLimits implements Serializable {

    private static final long serialVersionUID = 1L;

    private final long futureToleranceMs;

    /** Epoch millis used as "now", or {@code null} for the wall clock. */
    private final Long referenceNowMillis;

    /**
     * @param futureTolerance how far ahead of "now" an event time may be
     * @param referenceNow the "now" to compare with, or {@code null} for the wall clock
     */
    public EventTimeLimits(Duration futureTolerance, Instant referenceNow) {
        if (futureTolerance.isNegative()) {
            throw new IllegalArgumentException(
                    "future tolerance must not be negative: " + futureTolerance);
        }
        this.futureToleranceMs = futureTolerance.toMillis();
        this.referenceNowMillis = referenceNow == null ? null : referenceNow.toEpochMilli();
    }

    /** The latest event time accepted at this moment. */
    public long latestAcceptedMillis() {
        long now = referenceNowMillis != null ? referenceNowMillis : System.currentTimeMillis();
        // Saturating: a tolerance of centuries must not wrap around.
        long latest = now + futureToleranceMs;
        return latest < now ? Long.MAX_VALUE : latest;
    }

    /**
     * {@code decoded}, or its rejection with {@code timestamp_in_future} when one of its events is
     * beyond {@link #latestAcceptedMillis()} (all or nothing, like every other reason).
     */
    public PayloadDecoder.Decoded check(PayloadDecoder.Decoded decoded) {
        if (!decoded.isValid()) {
            return decoded;
        }
        long latest = latestAcceptedMillis();
        for (CanonicalEvent event : decoded.events()) {
            if (event.ts > latest) {
                return PayloadDecoder.Decoded.rejected("timestamp_in_future");
            }
        }
        return decoded;
    }
}
