package dev.cxq.udf.interaction;

import dev.cxq.udf.json.CanonicalJson;
import dev.cxq.udf.model.CanonicalEvent;
import dev.cxq.udf.model.EventKind;
import dev.cxq.udf.model.InteractionState;
import dev.cxq.udf.model.RecordingStatus;
import dev.cxq.udf.rows.OutputTags;
import dev.cxq.udf.time.EventTimeOrderedFunction;

import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.metrics.Counter;
import org.apache.flink.util.Collector;

import java.util.List;

/**
 * The interaction lifecycle state machine, keyed by session id. It derives talk, hold, wrap and
 * queue-wait durations from the transitions, lets the platform's {@code metrics} on the terminal
 * event win, and follows the recording status until the recording SLA has passed after the end.
 *
 * <p>It emits an {@link InteractionSummary} whenever the interaction changes (see there). Its state
 * lives from the first event until the end plus the recording SLA (so a late upload can still
 * update the interaction's rows and window), or until {@code partialTimeout} of silence turns an
 * open interaction into a {@code partial} one; then it is cleared.
 *
 * <p>A recording event for a session with no interaction state (none yet, or already cleared after
 * the SLA) cannot be attributed: it goes to {@link OutputTags#LATE_EVENTS} and is counted in {@code
 * cxq.unattributedRecordings}.
 */
public class InteractionFunction extends EventTimeOrderedFunction<InteractionSummary> {

    private static final long serialVersionUID = 1L;

    private final InteractionSettings settings;
    private final long partialTimeoutMs;
    private final long recordingSlaMs;

    /** The interaction of this session, from its first event until its state is cleared. */
    private transient ValueState<InteractionRecord> interaction;

    private transient Counter unattributedRecordings;
    private transient Counter eventsAfterEnd;
    private transient Counter partialInteractions;

    public InteractionFunction(InteractionSettings settings) {
        this.settings = settings;
        this.partialTimeoutMs = settings.partialTimeout().toMillis();
        this.recordingSlaMs = settings.recordingSla().toMillis();
    }

    @Override
    public void open(OpenContext openContext) throws Exception {
        super.open(openContext);
        interaction =
                getRuntimeContext()
                        .getState(
                                new ValueStateDescriptor<>("interaction", InteractionRecord.class));
        var metrics = getRuntimeContext().getMetricGroup().addGroup("cxq");
        unattributedRecordings = metrics.counter("unattributedRecordings");
        eventsAfterEnd = metrics.counter("interactionEventsAfterEnd");
        partialInteractions = metrics.counter("partialInteractions");
    }

    @Override
    protected Long onEventTime(
            long time,
            List<CanonicalEvent> events,
            OnTimerContext ctx,
            Collector<InteractionSummary> out)
            throws Exception {
        String interactionId = ctx.getCurrentKey();
        InteractionRecord current = interaction.value();
        boolean changed = false;

        if (current != null
                && !current.isEnded()
                && time >= current.lastEventTs + partialTimeoutMs) {
            // Silent too long: emitted as partial, ending at its last event, never as completed.
            current.end(InteractionSummary.PARTIAL, current.lastEventTs);
            partialInteractions.inc();
            emit(interactionId, current, out);
        }
        if (current != null && current.isEnded() && time >= current.endTs + recordingSlaMs) {
            if (current.recordingRequired && current.recording == null) {
                // Nothing (or only pending/started) within the SLA: the recording is missing.
                current.recordingMissing = true;
                emit(interactionId, current, out);
            }
            interaction.clear();
            current = null;
        }

        for (CanonicalEvent event : events) {
            if (event.kind == EventKind.INTERACTION) {
                if (current == null) {
                    current = new InteractionRecord(time);
                }
                if (current.isEnded()) {
                    eventsAfterEnd.inc();
                    continue;
                }
                changed |= current.apply(event, time) || current.isEnded();
            } else if (event.kind == EventKind.RECORDING) {
                if (current == null) {
                    unattributedRecordings.inc();
                    ctx.output(OutputTags.LATE_EVENTS, CanonicalJson.lateEvent(event));
                    continue;
                }
                // Open interactions report the status at their end; ended ones re-emit now.
                changed |= current.applyRecording(event.recordingStatus) && current.isEnded();
            }
        }
        if (current == null) {
            return null;
        }
        if (changed) {
            emit(interactionId, current, out);
        }
        interaction.update(current);
        return current.isEnded()
                ? current.endTs + recordingSlaMs
                : current.lastEventTs + partialTimeoutMs;
    }

    private void emit(
            String interactionId, InteractionRecord current, Collector<InteractionSummary> out) {
        current.version++;
        out.collect(current.toSummary(interactionId, settings));
    }

    /** What the function keeps of one interaction (a Flink POJO, kept in keyed state). */
    public static class InteractionRecord {
        public long startTs;
        public long lastEventTs;
        public InteractionState phase;
        public long phaseStartTs;
        public Long queuedTs;
        public Long firstConnectedTs;
        public long talkMs;
        public long holdMs;
        public long wrapMs;
        public Long platformTalkMs;
        public Long platformHoldMs;
        public Long platformWrapMs;
        public Long platformQueueWaitMs;
        public String agentId;
        public String queueId;
        public String customerId;
        public String agentTimezone;
        public String disposition;
        public boolean recordingRequired;
        public String status;
        public Long endTs;

        /** Latest upload outcome ({@code uploaded} sticks); null while nothing final arrived. */
        public RecordingStatus recording;

        public boolean recordingMissing;
        public int version;

        public InteractionRecord() {}

        InteractionRecord(long startTs) {
            this.startTs = startTs;
            this.lastEventTs = startTs;
            this.phaseStartTs = startTs;
        }

        boolean isEnded() {
            return status != null;
        }

        /**
         * Applies a transition at {@code time}. Returns whether a new summary is due before the
         * end: when the customer becomes known, so first-contact resolution learns of the start
         * early.
         */
        boolean apply(CanonicalEvent event, long time) {
            boolean customerLearned = customerId == null && event.customerId != null;
            agentId = event.agentId != null ? event.agentId : agentId;
            queueId = event.queueId != null ? event.queueId : queueId;
            customerId = event.customerId != null ? event.customerId : customerId;
            agentTimezone = event.agentTimezone != null ? event.agentTimezone : agentTimezone;
            disposition = event.disposition != null ? event.disposition : disposition;
            if (event.recordingRequired != null) {
                recordingRequired = event.recordingRequired;
            }
            closePhase(time);
            InteractionState state = event.state;
            if (state == InteractionState.QUEUED && queuedTs == null) {
                queuedTs = time;
            }
            if (state == InteractionState.CONNECTED && firstConnectedTs == null) {
                firstConnectedTs = time;
            }
            lastEventTs = time;
            if (state.isTerminal()) {
                platformTalkMs = event.talkMs;
                platformHoldMs = event.holdMs;
                platformWrapMs = event.wrapMs;
                platformQueueWaitMs = event.queueWaitMs;
                end(state.wireName(), time);
                return false;
            }
            phase = state;
            phaseStartTs = time;
            return customerLearned;
        }

        /** Adds the time spent in the current phase to its duration. */
        private void closePhase(long time) {
            if (phase == null) {
                return;
            }
            long spent = time - phaseStartTs;
            phaseStartTs = time;
            switch (phase) {
                case CONNECTED, UNHOLD -> talkMs += spent;
                case HOLD -> holdMs += spent;
                case WRAPUP -> wrapMs += spent;
                default -> {
                    // Queue and IVR time is measured by queue wait; transfer time by neither.
                }
            }
        }

        void end(String endStatus, long time) {
            closePhase(time);
            phase = null;
            status = endStatus;
            endTs = time;
        }

        /** Returns whether the reported recording status changed. */
        boolean applyRecording(RecordingStatus status) {
            RecordingStatus before = recording;
            if (recording != RecordingStatus.UPLOADED) {
                if (status == RecordingStatus.UPLOADED || status == RecordingStatus.FAILED) {
                    recording = status;
                }
            }
            return before != recording && recordingRequired;
        }

        /** Why adjusted AHT leaves this interaction out, or null when it counts. */
        String adjustedAhtExclusion(InteractionSettings settings) {
            if (disposition != null && settings.ivrDispositions().contains(disposition)) {
                return "ivr_disposition";
            }
            if (!settings.isBusinessHours(startTs, agentTimezone)) {
                return "outside_business_hours";
            }
            return null;
        }

        String recordingStatusWord() {
            if (!recordingRequired) {
                return "not_required";
            }
            if (recording != null) {
                return recording.wireName();
            }
            return recordingMissing ? "missing" : "pending";
        }

        InteractionSummary toSummary(String interactionId, InteractionSettings settings) {
            boolean platform =
                    platformTalkMs != null
                            || platformHoldMs != null
                            || platformWrapMs != null
                            || platformQueueWaitMs != null;
            long derivedQueueWait =
                    queuedTs == null
                            ? 0
                            : (firstConnectedTs != null
                                            ? firstConnectedTs
                                            : (endTs != null ? endTs : lastEventTs))
                                    - queuedTs;
            return new InteractionSummary(
                    interactionId,
                    version,
                    status,
                    startTs,
                    endTs,
                    agentId,
                    queueId,
                    customerId,
                    disposition,
                    platformTalkMs != null ? platformTalkMs : talkMs,
                    platformHoldMs != null ? platformHoldMs : holdMs,
                    platformWrapMs != null ? platformWrapMs : wrapMs,
                    platformQueueWaitMs != null
                            ? platformQueueWaitMs
                            : Math.max(0, derivedQueueWait),
                    platform,
                    adjustedAhtExclusion(settings),
                    recordingRequired,
                    recordingStatusWord());
        }
    }
}
