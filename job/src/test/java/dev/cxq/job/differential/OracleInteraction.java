package dev.cxq.job.differential;

import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;

/**
 * The interaction side of one session key, by the contract alone: durations from transitions (or
 * the terminal event's platform metrics), the end (terminal, or {@code partial} after 4 h without
 * any event), the recording status until end + 4 h (then {@code missing} if required and nothing
 * came), recordings that cannot be attributed. Fed the key's applied interaction and recording
 * events one instant at a time, in event-time order (interactions before recordings), then {@link
 * #finish}; each interaction, once final, goes to {@code done}.
 *
 * <p>Rules chosen where the contract leaves room (listed in the report): a partial interaction ends
 * at its last lifecycle transition (a recording event keeps it open but is no transition); {@code
 * failed} stays {@code failed} at the SLA (only a required recording with no outcome becomes {@code
 * missing}); an upload wins over any failure; agent, queue, customer, zone, disposition and {@code
 * recording_required} are the last non-null values; business hours are judged at the first event in
 * the zone of the agent that handled the interaction.
 */
final class OracleInteraction {

    static final long PARTIAL_MS = 4 * 3_600_000L;
    static final long SLA_MS = 4 * 3_600_000L;
    static final Set<String> IVR_DISPOSITIONS = Set.of("IVR_SELF_SERVICE", "IVR_TRANSFER_EXTERNAL");
    static final LocalTime OPENS = LocalTime.of(8, 0);
    static final LocalTime CLOSES = LocalTime.of(18, 0);

    /** One interaction's final figures. */
    static final class Summary {
        String id;
        long start;
        long end;
        String status;
        long talkMs;
        long holdMs;
        long wrapMs;
        long queueWaitMs;
        boolean platform;
        String agentId;
        String queueId;
        String customerId;
        String zone;
        String disposition;
        boolean recordingRequired;
        String recordingStatus;

        long handleMs() {
            return talkMs + holdMs + wrapMs;
        }

        boolean completed() {
            return status.equals("completed");
        }

        /** Excluded from adjusted AHT: an IVR disposition, or started outside business hours. */
        boolean excludedFromAdjustedAht() {
            if (disposition != null && IVR_DISPOSITIONS.contains(disposition)) {
                return true;
            }
            ZoneId zoneId = ZoneId.of(zone == null ? "UTC" : zone);
            LocalTime local = Instant.ofEpochMilli(start).atZone(zoneId).toLocalTime();
            return local.isBefore(OPENS) || !local.isBefore(CLOSES);
        }
    }

    private final String sessionId;
    private final Consumer<Summary> done;
    private final Consumer<OracleEvent> unattributed;

    private Summary open;
    private boolean ended;
    private long lastEventTs;
    private long lastTransitionTs;
    private String state;
    private long stateSince;
    private Long firstQueued;
    private Long firstConnected;
    private boolean uploaded;
    private boolean failed;

    OracleInteraction(
            String sessionId, Consumer<Summary> done, Consumer<OracleEvent> unattributed) {
        this.sessionId = sessionId;
        this.done = done;
        this.unattributed = unattributed;
    }

    void onInstant(long t, List<OracleEvent> events) {
        advance(t);
        for (OracleEvent e : events) {
            if (e.kind.equals("interaction")) {
                onInteraction(t, e);
            } else if (e.kind.equals("recording")) {
                if (open == null) {
                    unattributed.accept(e);
                } else {
                    uploaded |= e.status.equals("uploaded");
                    failed |= e.status.equals("failed");
                    lastEventTs = t;
                }
            }
        }
    }

    void finish() {
        advance(Long.MAX_VALUE);
    }

    /** Runs the partial timeout and the recording SLA that fall at or before {@code t}. */
    private void advance(long t) {
        if (open != null && !ended && lastEventTs + PARTIAL_MS <= t) {
            end(lastTransitionTs, "partial");
        }
        if (open != null && ended && open.end + SLA_MS <= t) {
            open.recordingStatus = recordingStatusAfterTheSla();
            done.accept(open);
            open = null;
        }
    }

    private void onInteraction(long t, OracleEvent e) {
        if (open == null) {
            open = new Summary();
            open.id = sessionId;
            open.start = t;
            ended = false;
            state = null;
            firstQueued = null;
            firstConnected = null;
            uploaded = false;
            failed = false;
        } else if (ended) {
            return;
        }
        lastEventTs = t;
        lastTransitionTs = t;
        open.agentId = e.agentId != null ? e.agentId : open.agentId;
        open.queueId = e.queueId != null ? e.queueId : open.queueId;
        open.customerId = e.customerId != null ? e.customerId : open.customerId;
        open.zone = e.agentTimezone != null ? e.agentTimezone : open.zone;
        open.disposition = e.disposition != null ? e.disposition : open.disposition;
        if (e.recordingRequired != null) {
            open.recordingRequired = e.recordingRequired;
        }
        accrue(t);
        if (e.state.equals("queued") && firstQueued == null) {
            firstQueued = t;
        }
        if (e.state.equals("connected") && firstConnected == null) {
            firstConnected = t;
        }
        state = e.state;
        stateSince = t;
        if (e.isTerminal()) {
            end(t, e.state);
            if (e.talkMs != null) {
                open.talkMs = e.talkMs;
            }
            if (e.holdMs != null) {
                open.holdMs = e.holdMs;
            }
            if (e.wrapMs != null) {
                open.wrapMs = e.wrapMs;
            }
            if (e.queueWaitMs != null) {
                open.queueWaitMs = e.queueWaitMs;
            }
            open.platform =
                    e.talkMs != null
                            || e.holdMs != null
                            || e.wrapMs != null
                            || e.queueWaitMs != null;
        }
    }

    /** Adds the time since the last transition to the current state's duration. */
    private void accrue(long t) {
        if (state == null) {
            return;
        }
        long spent = t - stateSince;
        switch (state) {
            case "connected", "unhold" -> open.talkMs += spent;
            case "hold" -> open.holdMs += spent;
            case "wrapup" -> open.wrapMs += spent;
            default -> {}
        }
        stateSince = t;
    }

    private void end(long t, String status) {
        ended = true;
        open.end = t;
        open.status = status;
        if (firstQueued != null) {
            open.queueWaitMs = (firstConnected != null ? firstConnected : t) - firstQueued;
        }
    }

    /** Every interaction's status is final once its SLA has passed, as at the end of input. */
    private String recordingStatusAfterTheSla() {
        if (!open.recordingRequired) {
            return "not_required";
        }
        if (uploaded) {
            return "uploaded";
        }
        if (failed) {
            return "failed";
        }
        return "missing";
    }
}
