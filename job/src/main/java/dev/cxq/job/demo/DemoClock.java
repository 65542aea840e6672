package dev.cxq.job.demo;

import java.io.Serializable;
import java.time.Duration;

/**
 * How the demo plays its script against the wall clock: event time runs {@code speed} times faster
 * than the wall clock until it has caught up with it, then with it, so it is never ahead of the
 * wall clock (an event from the future would be rejected as {@code timestamp_in_future}). A 45 s
 * demo at 10× thus shows seven and a half minutes of a contact center's day, enough for 5-minute
 * KPI windows to close; the 30 s alert hysteresis is 3 s of wall time at that speed.
 *
 * <p>The day starts in the past: its event time at the demo's start is {@link #eventStartMs()},
 * chosen so that event time reaches the wall clock after {@code fastFor} and so that a 5-minute
 * window ends {@link #FIRST_WINDOW_CLOSE} of event time after the start, whatever the hour. The
 * script's timeline starts {@link #HISTORY} earlier still; that history is emitted at once.
 *
 * @param wallStartMs the wall-clock instant the demo started (epoch milliseconds)
 * @param eventStartMs the event time at that instant
 * @param speed event-time milliseconds per wall-clock millisecond until caught up
 */
public record DemoClock(long wallStartMs, long eventStartMs, int speed) implements Serializable {

    /**
     * How much of the script's timeline lies before the start. It is emitted at once when the job
     * starts, so the scripted incidents, which need 30 s of hysteresis, fire right away.
     */
    public static final Duration HISTORY = Duration.ofSeconds(30);

    /** Event time from the start to the end of the first 5-minute KPI window. */
    static final Duration FIRST_WINDOW_CLOSE = Duration.ofSeconds(30);

    private static final long KPI_WINDOW_MS = Duration.ofMinutes(5).toMillis();

    public DemoClock {
        if (speed < 1) {
            throw new IllegalArgumentException("speed must be at least 1: " + speed);
        }
    }

    /**
     * The clock of a demo starting at {@code wallStartMs}, at {@code speed} for {@code fastFor} of
     * wall time (longer by the alignment to a 5-minute window, up to 5 min of event time).
     */
    public static DemoClock start(long wallStartMs, int speed, Duration fastFor) {
        long caughtUp = wallStartMs - (speed - 1) * fastFor.toMillis();
        long close = caughtUp + FIRST_WINDOW_CLOSE.toMillis();
        long windowEnd = Math.floorDiv(close, KPI_WINDOW_MS) * KPI_WINDOW_MS;
        return new DemoClock(wallStartMs, windowEnd - FIRST_WINDOW_CLOSE.toMillis(), speed);
    }

    /** Time zero of the script: {@link #HISTORY} before the event time at the start. */
    public long scriptOriginMs() {
        return eventStartMs - HISTORY.toMillis();
    }

    /** The event time the demo has reached at wall-clock instant {@code wallMs}. */
    public long eventTime(long wallMs) {
        long elapsed = Math.max(0, wallMs - wallStartMs);
        return Math.min(Math.max(wallMs, eventStartMs), eventStartMs + elapsed * speed);
    }

    /** Wall-clock milliseconds from {@code wallNowMs} until event time reaches {@code eventMs}. */
    public long wallDelay(long eventMs, long wallNowMs) {
        if (eventMs <= eventTime(wallNowMs)) {
            return 0;
        }
        long fast = wallStartMs + -Math.floorDiv(eventStartMs - eventMs, (long) speed);
        return Math.max(eventMs, fast) - wallNowMs;
    }
}
