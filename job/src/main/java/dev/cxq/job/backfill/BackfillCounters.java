package dev.cxq.job.backfill;

import java.util.concurrent.atomic.AtomicLong;

/** What a reader did against the platform; exposed as metrics of group {@code cxq.backfill}. */
final class BackfillCounters {
    final AtomicLong requests = new AtomicLong();
    final AtomicLong throttled = new AtomicLong();
    final AtomicLong tokensObtained = new AtomicLong();
    final AtomicLong pages = new AtomicLong();
    final AtomicLong jobsResubmitted = new AtomicLong();
    final AtomicLong intervalsCompleted = new AtomicLong();
}
