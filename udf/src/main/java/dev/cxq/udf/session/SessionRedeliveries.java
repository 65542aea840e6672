package dev.cxq.udf.session;

import dev.cxq.udf.model.MediaType;

/**
 * What a session has applied, to recognise redeliveries ({@code session-redeliveries}): the ids of
 * its interaction and recording events, the sample slots of its ended runs and when its last run
 * ended. At an end the ids move to {@link #endedEventIds}, without their content. One value, kept
 * for the event-id retention after its last write (state TTL), so that an ended session costs its
 * key once for all three (issue 17, {@code docs/dedup.md}).
 */
public class SessionRedeliveries {

    /**
     * Interaction and recording event ids since the session's last end, with their content, in
     * {@code dedup.EventIds}' form; null when none.
     */
    public byte[] eventIds;

    /**
     * The ids of the ended runs' interaction and recording events, without their content ({@code
     * dedup.EventIds}' id list): a copy of one is dropped unchecked; null when none.
     */
    public byte[] endedEventIds;

    /** The sample slots of the session's ended runs. */
    public SampleSlots endedSlots = new SampleSlots();

    /**
     * Processing time after which {@link #endedSlots} no longer count, when the media-sample
     * retention is shorter than the event-id one; null when they count as long as the value lives.
     */
    public Long slotsForgetAt;

    /**
     * When the session's last run ended (event time); null before its first end. Events within one
     * inactivity timeout after it are dropped (samples counted) instead of opening a second session
     * that would overwrite the row; from then on it means nothing, and the next end replaces it.
     * Here rather than in the {@code session} value so that an ended session keeps no value and no
     * timer of its own there.
     */
    public Long endedAt;

    public SessionRedeliveries() {}

    /**
     * Whether {@code media}'s sample at {@code ts} is among the ended runs' slots at {@code now}.
     */
    boolean endedSlotsContain(MediaType media, long ts, long now) {
        return (slotsForgetAt == null || now < slotsForgetAt) && endedSlots.contains(media, ts);
    }
}
