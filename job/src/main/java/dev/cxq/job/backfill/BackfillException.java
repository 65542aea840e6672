package dev.cxq.job.backfill;

/** A backfill that cannot go on: a permanent error of the platform, named with its interval. */
public final class BackfillException extends RuntimeException {

    public BackfillException(String message) {
        super(message);
    }
}
