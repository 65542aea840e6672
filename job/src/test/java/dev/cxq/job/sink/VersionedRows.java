package dev.cxq.job.sink;

import dev.cxq.udf.rows.KpiWindow;
import dev.cxq.udf.rows.SessionQuality;

/** Rows of one key in several versions, for the tests of the tables' newest-version-wins rule. */
final class VersionedRows {

    private VersionedRows() {}

    /**
     * A 5-minute {@code recording_uploaded} window of agent-1 that had absorbed {@code absorbed}
     * inputs.
     */
    static KpiWindow uploaded(long uploaded, long absorbed) {
        return new KpiWindow(
                "agent",
                "agent-1",
                0L,
                "PT5M",
                "recording_uploaded",
                300_000L,
                (double) uploaded,
                2,
                absorbed);
    }

    /** Session s1 as it ended at {@code endedAt} after {@code samples} samples. */
    static SessionQuality sessionEndingAt(long endedAt, long samples) {
        return new SessionQuality(
                "s1",
                "agent-1",
                "q1",
                endedAt,
                "inactivity",
                samples,
                samples,
                4.0,
                3.9,
                0.5,
                0.0,
                0);
    }
}
