package dev.cxq.udf.dedup;

import dev.cxq.udf.model.CanonicalEvent;

import org.apache.flink.api.common.state.StateTtlConfig;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;

/**
 * The dedup's counters, {@code cxq.duplicatesDropped} and {@code cxq.redeliveryConflicts}, and the
 * log line of a conflict: a redelivery whose content differs from the first delivery's (a producer
 * reusing ids). The first delivery stays the fact either way.
 */
public final class Redeliveries {

    private static final Logger LOG = LoggerFactory.getLogger(Redeliveries.class);

    /** Conflicts logged one by one; beyond, one line per this many (a flood is a producer bug). */
    private static final long CONFLICTS_LOGGED = 100;

    private static final long CONFLICT_LOG_EVERY = 10_000;

    private final Counter duplicatesDropped;
    private final Counter redeliveryConflicts;

    /**
     * The TTL of what a dedup remembers: {@code ttl} from the first delivery (a copy does not
     * extend it), never returned once expired, left out of full snapshots.
     */
    public static StateTtlConfig keptFromFirstDelivery(Duration ttl) {
        return StateTtlConfig.newBuilder(ttl)
                .setUpdateType(StateTtlConfig.UpdateType.OnCreateAndWrite)
                .setStateVisibility(StateTtlConfig.StateVisibility.NeverReturnExpired)
                // Background cleanup removes expired entries only as state is touched or
                // compacted; savepoints and full checkpoints must not carry them.
                .cleanupFullSnapshot()
                .build();
    }

    public Redeliveries(MetricGroup cxq) {
        duplicatesDropped = cxq.counter("duplicatesDropped");
        redeliveryConflicts = cxq.counter("redeliveryConflicts");
    }

    /** A copy dropped unchecked: its first delivery's content is not known, or it is the same. */
    public void dropped() {
        duplicatesDropped.inc();
    }

    /** A copy dropped; {@code sameContent} tells whether it says what the first delivery said. */
    public void dropped(CanonicalEvent copy, boolean sameContent) {
        duplicatesDropped.inc();
        if (sameContent) {
            return;
        }
        redeliveryConflicts.inc();
        long count = redeliveryConflicts.getCount();
        if (count <= CONFLICTS_LOGGED || count % CONFLICT_LOG_EVERY == 0) {
            LOG.warn(
                    "Redelivery of event {} ({}) at {} differs from its first delivery;"
                            + " the first is kept ({} conflicts so far)",
                    copy.eventId,
                    copy.platform.wireName(),
                    copy.source,
                    count);
        }
    }

    public long duplicates() {
        return duplicatesDropped.getCount();
    }

    public long conflicts() {
        return redeliveryConflicts.getCount();
    }
}
