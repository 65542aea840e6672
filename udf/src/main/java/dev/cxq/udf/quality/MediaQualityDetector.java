package dev.cxq.udf.quality;

import dev.cxq.udf.internal.Hashing;
import dev.cxq.udf.model.CanonicalEvent;
import dev.cxq.udf.model.InteractionState;
import dev.cxq.udf.model.PeerState;
import dev.cxq.udf.rows.QualityAlert;

import java.util.List;
import java.util.function.Consumer;

/**
 * The media-quality state of one session and the contract's rules over it: degradation incidents
 * with hysteresis, media-gap and disconnect warnings, and degraded time. A Flink POJO kept in keyed
 * state; the owning function calls it in event-time order and asks it for its next deadline. See
 * {@code DISCUSSION.md} beside this class for the edge cases.
 */
public class MediaQualityDetector {

    /** Where a degradation incident stands. */
    public enum Phase {
        /** No incident. */
        HEALTHY,
        /**
         * Degraded since {@link #incidentStart}; fires at its end unless a healthy sample comes.
         */
        PENDING,
        /** Fired; the last sample was degraded. */
        FIRING,
        /** Fired; healthy since {@link #healthySince}; resolves at its end unless degraded. */
        RECOVERING
    }

    /** What the detector writes to and reads its rules from, for one call. */
    public record Scope(
            String sessionId,
            String agentId,
            String queueId,
            QualityThresholds thresholds,
            Consumer<QualityAlert> alerts) {}

    private static final String CRITICAL = "critical";
    private static final String HIGH = "high";
    private static final String WARNING = "warning";

    public Phase phase = Phase.HEALTHY;

    /** t0 of the pending or open incident. */
    public long incidentStart;

    /** First healthy sample of a firing incident's recovery. */
    public long healthySince;

    /** Thresholds breached so far in the hysteresis window (bits of {@link SampleAssessment}). */
    public int windowBreaches;

    public boolean windowHasMos;
    public boolean windowAllMosCritical;

    /** The last degraded sample of the hysteresis window: the values the alert row reports. */
    public SampleMetrics windowLastDegraded;

    /** The open degradation incident (phases FIRING and RECOVERING). */
    public OpenAlert degradation;

    public OpenAlert mediaGap;
    public OpenAlert disconnect;

    /** The last key used per alert type, so that a second alert never overwrites a first. */
    public String lastDegradationKey;

    public String lastMediaGapKey;
    public String lastDisconnectKey;

    /** Degradation incidents reported for the session. */
    public int incidents;

    /** Event time covered by degraded samples. */
    public long degradedMillis;

    public Long lastSampleTs;
    public boolean lastSampleDegraded;
    public SampleMetrics lastSample;

    /** Start of the current silence: the last sample, or the end of a hold or wrap-up after it. */
    public Long silentSince;

    /** On hold or in wrap-up: media is not expected, silence is no gap. */
    public boolean mediaPaused;

    public MediaQualityDetector() {}

    /**
     * Runs the deadlines due at {@code time}, before the events stamped {@code time} are applied: a
     * sample exactly at the end of the hysteresis window neither cancels nor delays the firing. A
     * media gap due before {@code time} opens here; one due exactly at {@code time} waits for the
     * instant's events ({@link #closeInstant}).
     */
    public void advanceTo(long time, Scope scope) {
        QualityThresholds t = scope.thresholds();
        if (phase == Phase.PENDING && time >= incidentStart + t.fireAfter().toMillis()) {
            fire(scope);
        }
        if (phase == Phase.RECOVERING && time >= healthySince + t.resolveAfter().toMillis()) {
            resolve(degradation, healthySince + t.resolveAfter().toMillis(), scope);
            degradation = null;
            phase = Phase.HEALTHY;
        }
        Long gapAt = gapDeadline(t);
        if (gapAt != null && time > gapAt) {
            openMediaGap(gapAt, scope);
        }
    }

    /**
     * After the events stamped {@code time} are applied: a media gap due exactly at {@code time}
     * opens only if silence is still expected now. A gap needs more than the bound of silence, so a
     * sample, a hold or a wrap-up at exactly the bound means there was none; running this deadline
     * before the instant's events (as the hysteresis does) wrote a gap for them.
     */
    public void closeInstant(long time, Scope scope) {
        Long gapAt = gapDeadline(scope.thresholds());
        if (gapAt != null && gapAt == time) {
            openMediaGap(gapAt, scope);
        }
    }

    private void openMediaGap(long gapAt, Scope scope) {
        mediaGap = open(QualityAlert.MEDIA_GAP, silentSince, gapAt, WARNING, scope);
        mediaGap.metrics = lastSample;
        mediaGap.reason =
                "no media sample for more than "
                        + scope.thresholds().mediaGapAfter().toSeconds()
                        + " s";
        report(mediaGap, scope);
    }

    /** Applies the samples stamped {@code time} (one or more: audio and video may coincide). */
    public void onSamples(
            long time,
            List<CanonicalEvent> samples,
            List<SampleAssessment> assessments,
            Scope scope) {
        QualityThresholds t = scope.thresholds();
        int breaches = 0;
        SampleMetrics first = null;
        SampleMetrics firstDegraded = null;
        CanonicalEvent down = null;
        SampleMetrics downMetrics = null;
        for (int i = 0; i < samples.size(); i++) {
            SampleAssessment a = assessments.get(i);
            SampleMetrics metrics = SampleMetrics.of(samples.get(i), a);
            breaches |= a.breaches();
            first = first == null ? metrics : first;
            if (a.degraded() && firstDegraded == null) {
                firstDegraded = metrics;
            }
            PeerState peer = samples.get(i).peerState;
            if (down == null && (peer == PeerState.DISCONNECTED || peer == PeerState.FAILED)) {
                down = samples.get(i);
                downMetrics = metrics;
            }
        }
        // The instant is reported by its first degraded sample, else its first sample.
        SampleMetrics reported = firstDegraded != null ? firstDegraded : first;
        boolean degraded = breaches != 0;

        if (lastSampleTs != null && lastSampleDegraded) {
            degradedMillis += Math.min(time - lastSampleTs, t.mediaGapAfter().toMillis());
        }
        if (mediaGap != null) {
            resolve(mediaGap, time, scope);
            mediaGap = null;
        }
        if (down != null && disconnect == null) {
            disconnect = open(QualityAlert.DISCONNECTED, time, time, WARNING, scope);
            disconnect.metrics = downMetrics;
            disconnect.reason = "peer_state=" + down.peerState.wireName();
            report(disconnect, scope);
        } else if (down == null && disconnect != null) {
            resolve(disconnect, time, scope);
            disconnect = null;
        }

        switch (phase) {
            case HEALTHY -> {
                if (degraded) {
                    phase = Phase.PENDING;
                    incidentStart = time;
                    windowBreaches = 0;
                    windowHasMos = false;
                    windowAllMosCritical = true;
                    addToWindow(breaches, reported, assessments, t);
                }
            }
            case PENDING -> {
                if (degraded) {
                    addToWindow(breaches, reported, assessments, t);
                } else {
                    // A transient dip: cancelled before it fired.
                    phase = Phase.HEALTHY;
                    windowLastDegraded = null;
                }
            }
            case FIRING -> {
                if (!degraded) {
                    phase = Phase.RECOVERING;
                    healthySince = time;
                }
            }
            case RECOVERING -> {
                if (degraded) {
                    phase = Phase.FIRING;
                }
            }
        }
        lastSampleTs = time;
        lastSampleDegraded = degraded;
        lastSample = reported;
        silentSince = time;
    }

    /** Notes the interaction state: silence on hold or in wrap-up is expected. */
    public void onInteraction(long time, InteractionState state) {
        boolean paused = state == InteractionState.HOLD || state == InteractionState.WRAPUP;
        if (mediaPaused && !paused && silentSince != null) {
            silentSince = time;
        }
        mediaPaused = paused;
    }

    /**
     * Ends the session at {@code time}: a pending incident is dropped (it never fired), open alerts
     * resolve at {@code time}, and a last degraded sample counts up to {@code endTime}.
     */
    public void end(long time, long endTime, Scope scope) {
        if (lastSampleTs != null && lastSampleDegraded) {
            degradedMillis +=
                    Math.min(
                            Math.max(0, endTime - lastSampleTs),
                            scope.thresholds().mediaGapAfter().toMillis());
            lastSampleDegraded = false;
        }
        for (OpenAlert alert : new OpenAlert[] {degradation, mediaGap, disconnect}) {
            if (alert != null) {
                resolve(alert, time, scope);
            }
        }
        degradation = null;
        mediaGap = null;
        disconnect = null;
        phase = Phase.HEALTHY;
    }

    /**
     * How far a healthy connected sample ({@link #isQuietSample}) moves the deadline of a quiet
     * detector past its own time: the media-gap bound, or none ({@link Long#MAX_VALUE}) while media
     * is paused; null when the detector is not quiet (an incident pending or open, a media gap or a
     * disconnect open), where such a sample may write an alert or change a deadline otherwise.
     */
    public Long quietSpan(QualityThresholds t) {
        if (phase != Phase.HEALTHY || mediaGap != null || disconnect != null) {
            return null;
        }
        return mediaPaused ? Long.MAX_VALUE : t.mediaGapAfter().toMillis();
    }

    /**
     * Whether {@code sample} leaves a quiet detector quiet: it breaches no threshold and its peer
     * is not down.
     */
    public static boolean isQuietSample(CanonicalEvent sample, QualityThresholds t) {
        return sample.peerState != PeerState.DISCONNECTED
                && sample.peerState != PeerState.FAILED
                && !SampleAssessment.of(sample, t).degraded();
    }

    /** The next time {@link #advanceTo} has something to do, or null. */
    public Long nextDeadline(QualityThresholds t) {
        Long next = gapDeadline(t);
        if (phase == Phase.PENDING) {
            next = min(next, incidentStart + t.fireAfter().toMillis());
        } else if (phase == Phase.RECOVERING) {
            next = min(next, healthySince + t.resolveAfter().toMillis());
        }
        return next;
    }

    private Long gapDeadline(QualityThresholds t) {
        if (silentSince == null || mediaGap != null || disconnect != null || mediaPaused) {
            return null;
        }
        return silentSince + t.mediaGapAfter().toMillis();
    }

    private void addToWindow(
            int breaches,
            SampleMetrics metrics,
            List<SampleAssessment> assessments,
            QualityThresholds t) {
        windowBreaches |= breaches;
        windowLastDegraded = metrics;
        for (SampleAssessment a : assessments) {
            if (a.mos() != null) {
                windowHasMos = true;
                windowAllMosCritical &= a.mos() < t.criticalMosBelow();
            }
        }
    }

    private void fire(Scope scope) {
        QualityThresholds t = scope.thresholds();
        boolean critical = windowHasMos && windowAllMosCritical;
        degradation =
                open(
                        QualityAlert.DEGRADATION,
                        incidentStart,
                        incidentStart + t.fireAfter().toMillis(),
                        critical ? CRITICAL : HIGH,
                        scope);
        degradation.metrics = windowLastDegraded;
        degradation.reason = SampleAssessment.reason(windowBreaches, t);
        report(degradation, scope);
        if (degradation.reported) {
            incidents++;
        }
        phase = Phase.FIRING;
        windowLastDegraded = null;
    }

    private OpenAlert open(
            String type, long startedAt, long firedAt, String severity, Scope scope) {
        OpenAlert alert = new OpenAlert();
        alert.alertType = type;
        alert.incidentKey = incidentKey(scope.sessionId(), type, startedAt);
        alert.severity = severity;
        alert.startedAt = startedAt;
        alert.firedAt = firedAt;
        alert.agentId = scope.agentId();
        alert.queueId = scope.queueId();
        return alert;
    }

    /** Writes the firing row unless an earlier alert of the session used the same key. */
    private void report(OpenAlert alert, Scope scope) {
        String last =
                switch (alert.alertType) {
                    case QualityAlert.DEGRADATION -> lastDegradationKey;
                    case QualityAlert.MEDIA_GAP -> lastMediaGapKey;
                    default -> lastDisconnectKey;
                };
        alert.reported = !alert.incidentKey.equals(last);
        switch (alert.alertType) {
            case QualityAlert.DEGRADATION -> lastDegradationKey = alert.incidentKey;
            case QualityAlert.MEDIA_GAP -> lastMediaGapKey = alert.incidentKey;
            default -> lastDisconnectKey = alert.incidentKey;
        }
        if (alert.reported) {
            scope.alerts().accept(alert.row(scope.sessionId(), QualityAlert.FIRING, null));
        }
    }

    private static void resolve(OpenAlert alert, long resolvedAt, Scope scope) {
        if (alert.reported) {
            scope.alerts().accept(alert.row(scope.sessionId(), QualityAlert.RESOLVED, resolvedAt));
        }
    }

    /**
     * The contract's key: SHA-256 of {@code session:bucket} for degradation, {@code
     * session:type:bucket} for warnings, where bucket is the start's epoch seconds over 300.
     */
    public static String incidentKey(String sessionId, String alertType, long startedAtMillis) {
        long bucket = Math.floorDiv(Math.floorDiv(startedAtMillis, 1000L), 300L);
        String text =
                QualityAlert.DEGRADATION.equals(alertType)
                        ? sessionId + ":" + bucket
                        : sessionId + ":" + alertType + ":" + bucket;
        return Hashing.sha256Hex(text);
    }

    private static Long min(Long a, long b) {
        return a == null ? b : Math.min(a, b);
    }
}
