package dev.cxq.udf.session;

import dev.cxq.udf.model.CanonicalEvent;

import java.util.ArrayList;
import java.util.List;

/**
 * Everything of one session in one keyed value ({@code session}), so that handing it over is one
 * read and one write. A Flink POJO.
 */
public class SessionState {

    /** Events not yet due that a checkpoint moved here from the heap. */
    public List<CanonicalEvent> buffered = new ArrayList<>();

    /** The next deadline the session asked for. */
    public Long deadline;

    /** Running statistics and media-quality state of the open session; null when none. */
    public SessionStats stats;

    /**
     * The end of the session, as the previous builds kept it here for one more inactivity timeout
     * (with a timer at end + timeout); still read from their savepoints. This build keeps the end
     * in {@link SessionRedeliveries#endedAt} and never sets it.
     */
    public Long endedAt;

    /** The session's event-time timer: its deadline or its first buffered event. */
    public Long timer;

    public SessionState() {}

    boolean isEmpty() {
        return buffered.isEmpty()
                && deadline == null
                && stats == null
                && endedAt == null
                && timer == null;
    }
}
