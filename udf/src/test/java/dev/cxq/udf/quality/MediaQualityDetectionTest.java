package dev.cxq.udf.quality;

import dev.cxq.udf.model.CanonicalEvent;
import dev.cxq.udf.model.InteractionState;
import dev.cxq.udf.model.MediaType;
import dev.cxq.udf.model.PeerState;
import dev.cxq.udf.rows.OutputTags;
import dev.cxq.udf.rows.QualityAlert;
import dev.cxq.udf.rows.SessionQuality;
import dev.cxq.udf.session.SessionQualityFunction;
import dev.cxq.udf.testing.SessionHarness;

import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;

import static dev.cxq.udf.internal.Hashing.sha256Hex;
import static dev.cxq.udf.testing.Events.at;
import static dev.cxq.udf.testing.Events.interaction;
import static dev.cxq.udf.testing.Events.sample;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** The contract's media-quality scenarios, through the session function in a keyed harness. */
class MediaQualityDetectionTest {

    private static final Duration TIMEOUT = SessionHarness.TIMEOUT;
    private static final long BOUND_MS = 10_000;
    private static final String S = "s1";

    private KeyedOneInputStreamOperatorTestHarness<String, CanonicalEvent, SessionQuality> harness;
    private long maxTs = Long.MIN_VALUE;

    @BeforeEach
    void setUp() throws Exception {
        harness = newHarness();
    }

    @AfterEach
    void tearDown() throws Exception {
        harness.close();
    }

    private static KeyedOneInputStreamOperatorTestHarness<String, CanonicalEvent, SessionQuality>
            newHarness() throws Exception {
        return SessionHarness.open();
    }

    /** Delivers events in the given order with a bounded-out-of-orderness watermark after each. */
    private void deliver(List<CanonicalEvent> events) throws Exception {
        for (CanonicalEvent e : events) {
            harness.processElement(new StreamRecord<>(e, e.ts));
            maxTs = Math.max(maxTs, e.ts);
            harness.processWatermark(new Watermark(maxTs - BOUND_MS - 1));
        }
    }

    private List<QualityAlert> alerts() {
        List<QualityAlert> out = new ArrayList<>();
        var side = harness.getSideOutput(OutputTags.QUALITY_ALERTS);
        if (side != null) {
            side.forEach(r -> out.add(r.getValue()));
        }
        return out;
    }

    private SessionQuality sessionRow() {
        List<SessionQuality> rows = harness.extractOutputValues();
        assertThat(rows).hasSize(1);
        return rows.get(0);
    }

    /** Samples every 5 s from {@code from} to {@code to} inclusive, shaped by {@code shape}. */
    private static List<CanonicalEvent> samples(
            long from, long to, Consumer<CanonicalEvent> shape) {
        List<CanonicalEvent> out = new ArrayList<>();
        for (long t = from; t <= to; t += 5) {
            CanonicalEvent e = sample(S, t);
            shape.accept(e);
            out.add(e);
        }
        return out;
    }

    private static Consumer<CanonicalEvent> mos(double mos) {
        return e -> e.mos = mos;
    }

    private static final Consumer<CanonicalEvent> HEALTHY = e -> {};

    private static List<CanonicalEvent> call(List<List<CanonicalEvent>> parts, long completedAt) {
        List<CanonicalEvent> events = new ArrayList<>();
        CanonicalEvent connected = interaction(S, 0, InteractionState.CONNECTED);
        connected.agentId = "agent-1";
        connected.queueId = "queue-1";
        events.add(connected);
        parts.forEach(events::addAll);
        events.add(interaction(S, completedAt, InteractionState.COMPLETED));
        return events;
    }

    private static String degradationKey(long t0Seconds) {
        return sha256Hex(S + ":" + Math.floorDiv(at(t0Seconds) / 1000, 300));
    }

    @Test
    void aTransientDipNeverAlerts() throws Exception {
        deliver(
                call(
                        List.of(
                                samples(5, 15, HEALTHY),
                                samples(20, 25, mos(2.0)),
                                samples(30, 120, HEALTHY)),
                        121));
        harness.processWatermark(new Watermark(Long.MAX_VALUE));

        assertThat(alerts()).isEmpty();
        assertThat(sessionRow().incidents()).isZero();
        assertThat(sessionRow().degradedSeconds()).isEqualTo(10.0);
    }

    @Test
    void sustainedCriticalDegradationFiresAtT0Plus30AndResolvesThirtySecondsAfterHealth()
            throws Exception {
        List<CanonicalEvent> events =
                call(
                        List.of(
                                samples(5, 5, HEALTHY),
                                samples(10, 70, mos(2.8)),
                                samples(75, 150, HEALTHY)),
                        151);
        harness.processElement(new StreamRecord<>(events.get(0), events.get(0).ts));
        for (CanonicalEvent e : events.subList(1, events.size())) {
            harness.processElement(new StreamRecord<>(e, e.ts));
        }
        harness.processWatermark(new Watermark(at(39)));
        assertThat(alerts()).as("before t0 + 30 s").isEmpty();
        harness.processWatermark(new Watermark(at(40)));
        assertThat(alerts())
                .singleElement()
                .isEqualTo(
                        new QualityAlert(
                                degradationKey(10),
                                S,
                                "agent-1",
                                "queue-1",
                                "degradation",
                                "critical",
                                "firing",
                                at(10),
                                at(40),
                                null,
                                2.8,
                                false,
                                5.0,
                                0.1,
                                40.0,
                                null,
                                "mos<3.5"));
        harness.processWatermark(new Watermark(at(104)));
        assertThat(alerts()).hasSize(1);
        harness.processWatermark(new Watermark(at(105)));
        assertThat(alerts()).hasSize(2);
        QualityAlert resolved = alerts().get(1);
        assertThat(resolved.state()).isEqualTo("resolved");
        assertThat(resolved.resolvedAtMillis()).isEqualTo(at(105));
        assertThat(resolved.incidentKey()).isEqualTo(degradationKey(10));
        assertThat(resolved.firedAtMillis()).isEqualTo(at(40));

        harness.processWatermark(new Watermark(at(200)));
        assertThat(sessionRow().incidents()).isEqualTo(1);
        // 13 degraded samples, 10 s to 70 s, each until the next one 5 s later.
        assertThat(sessionRow().degradedSeconds()).isEqualTo(65.0);
    }

    /** The worked incident-key example of docs/semantics.md, digit for digit. */
    @Test
    void incidentKeysOfTheDocumentedExample() {
        // t0 = 2026-03-09T14:00:10Z = 1773064810 s; floor(1773064810 / 300) = 5910216.
        assertThat(at(10) / 1000).isEqualTo(1773064810L);
        assertThat(degradationKey(10))
                .isEqualTo(sha256Hex("s1:5910216"))
                .isEqualTo("45fde3daa3790d8c75723c610cc7fa6b007a232cd1007a41b368072ed1e9fa2e");
        // 14:04:59 is still in the bucket, 14:05:00 starts the next one.
        assertThat(degradationKey(299)).isEqualTo(degradationKey(10));
        assertThat(degradationKey(300)).isEqualTo(sha256Hex("s1:5910217"));
        assertThat(sha256Hex("s1:media_gap:5910216"))
                .isEqualTo("314c4cdce5320636ed2d8fd8d6d2cac6dcb4c1088865720495330efce78c5a15");
    }

    @Test
    void aSampleExactlyAtT0Plus30DoesNotCancelAndAMixedWindowIsHigh() throws Exception {
        deliver(
                call(
                        List.of(
                                samples(10, 20, mos(3.0)),
                                samples(25, 35, mos(3.3)),
                                samples(40, 100, HEALTHY)),
                        101));
        harness.processWatermark(new Watermark(Long.MAX_VALUE));

        assertThat(alerts())
                .extracting(
                        QualityAlert::state, QualityAlert::severity, QualityAlert::firedAtMillis)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("firing", "high", at(40)),
                        org.assertj.core.groups.Tuple.tuple("resolved", "high", at(40)));
        assertThat(alerts().get(1).resolvedAtMillis()).isEqualTo(at(70));
    }

    @Test
    void goodMosButFifteenKbpsVideoIsDegraded() throws Exception {
        deliver(
                call(
                        List.of(
                                samples(
                                        5,
                                        60,
                                        e -> {
                                            e.media = MediaType.VIDEO;
                                            e.mos = 4.0;
                                            e.bitrateKbps = 15.0;
                                        })),
                        61));
        harness.processWatermark(new Watermark(Long.MAX_VALUE));

        assertThat(alerts()).hasSize(2);
        QualityAlert firing = alerts().get(0);
        assertThat(firing.severity()).isEqualTo("high");
        assertThat(firing.reason()).isEqualTo("video_bitrate_kbps<500");
        assertThat(firing.bitrateKbps()).isEqualTo(15.0);
        assertThat(firing.firedAtMillis()).isEqualTo(at(35));
        // The session ended while degraded: the incident resolves at the end.
        assertThat(alerts().get(1).resolvedAtMillis()).isEqualTo(at(61));
    }

    @Test
    void packetLossAloneIsDegraded() throws Exception {
        deliver(
                call(
                        List.of(
                                samples(5, 60, e -> e.packetLossPct = 5.0),
                                samples(65, 120, HEALTHY)),
                        121));
        harness.processWatermark(new Watermark(Long.MAX_VALUE));

        QualityAlert firing = alerts().get(0);
        assertThat(firing.reason()).isEqualTo("packet_loss_pct>2");
        assertThat(firing.severity()).isEqualTo("high");
        assertThat(firing.packetLossPct()).isEqualTo(5.0);
        assertThat(alerts()).extracting(QualityAlert::state).containsExactly("firing", "resolved");
    }

    @Test
    void everyBreachedThresholdIsNamed() throws Exception {
        deliver(
                call(
                        List.of(
                                samples(5, 20, e -> e.packetLossPct = 5.0),
                                samples(
                                        25,
                                        40,
                                        e -> {
                                            e.mos = 3.0;
                                            e.media = MediaType.VIDEO;
                                            e.bitrateKbps = 100.0;
                                        })),
                        41));
        harness.processWatermark(new Watermark(Long.MAX_VALUE));
        assertThat(alerts().get(0).reason())
                .isEqualTo("mos<3.5, packet_loss_pct>2, video_bitrate_kbps<500");
    }

    private List<QualityAlert> runOnFreshHarness(List<CanonicalEvent> events) throws Exception {
        harness.close();
        harness = newHarness();
        maxTs = Long.MIN_VALUE;
        deliver(events);
        harness.processWatermark(new Watermark(Long.MAX_VALUE));
        List<QualityAlert> out = alerts();
        out.add(null); // separator, then the session row as text
        return out;
    }

    @Test
    void outOfOrderDeliveryWithinTheBoundEqualsInOrder() throws Exception {
        List<CanonicalEvent> inOrder =
                call(
                        List.of(
                                samples(5, 15, HEALTHY),
                                samples(20, 30, mos(2.0)),
                                samples(35, 40, HEALTHY),
                                samples(45, 100, mos(2.5)),
                                samples(105, 200, HEALTHY)),
                        201);
        // Reverse every run of three samples: each arrives up to 10 s late, within the bound.
        List<CanonicalEvent> shuffled = new ArrayList<>(inOrder);
        for (int i = 1; i + 3 < shuffled.size(); i += 3) {
            java.util.Collections.reverse(shuffled.subList(i, i + 3));
        }
        assertThat(shuffled).isNotEqualTo(inOrder);

        List<QualityAlert> expected = runOnFreshHarness(inOrder);
        List<SessionQuality> expectedRows = harness.extractOutputValues();
        assertThat(expected).hasSize(3);
        assertThat(harness.getSideOutput(OutputTags.LATE_EVENTS)).isNull();

        assertThat(runOnFreshHarness(shuffled)).isEqualTo(expected);
        assertThat(harness.extractOutputValues()).isEqualTo(expectedRows);
        assertThat(harness.getSideOutput(OutputTags.LATE_EVENTS)).as("late events").isNull();
    }

    @Test
    void flappingEveryTenSecondsForFiveMinutesNeverAlerts() throws Exception {
        List<CanonicalEvent> flapping =
                samples(
                        5,
                        300,
                        e -> {
                            long second = (e.ts - at(0)) / 1000;
                            if ((second / 10) % 2 == 0) {
                                e.mos = 2.0;
                                e.packetLossPct = 10.0;
                            }
                        });
        deliver(call(List.of(flapping), 301));
        harness.processWatermark(new Watermark(Long.MAX_VALUE));

        assertThat(alerts()).isEmpty();
        assertThat(sessionRow().incidents()).isZero();
        assertThat(sessionRow().degradedSeconds()).isGreaterThan(100.0);
    }

    @Test
    void tenMinutesDegradedIsExactlyOneIncident() throws Exception {
        deliver(call(List.of(samples(5, 605, mos(2.0)), samples(610, 700, HEALTHY)), 701));
        harness.processWatermark(new Watermark(Long.MAX_VALUE));

        assertThat(alerts())
                .extracting(QualityAlert::state, QualityAlert::incidentKey)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("firing", degradationKey(5)),
                        org.assertj.core.groups.Tuple.tuple("resolved", degradationKey(5)));
        assertThat(alerts().get(1).resolvedAtMillis()).isEqualTo(at(640));
        assertThat(sessionRow().incidents()).isEqualTo(1);
        assertThat(sessionRow().degradedSeconds()).isEqualTo(605.0);
    }

    @Test
    void silenceOfMoreThanFifteenSecondsIsOneMediaGapWarning() throws Exception {
        List<CanonicalEvent> events = new ArrayList<>();
        // Exactly 15 s apart: no gap (the silence must be longer).
        events.add(sample(S, 0));
        events.add(sample(S, 15));
        events.addAll(samples(20, 30, HEALTHY));
        // Nothing from 30 s to 60 s.
        events.addAll(samples(60, 90, HEALTHY));
        // Wrap-up: silence is expected.
        events.add(interaction(S, 91, InteractionState.WRAPUP));
        events.add(interaction(S, 200, InteractionState.COMPLETED));
        deliver(events);
        harness.processWatermark(new Watermark(Long.MAX_VALUE));

        assertThat(alerts()).hasSize(2);
        QualityAlert firing = alerts().get(0);
        assertThat(firing.alertType()).isEqualTo("media_gap");
        assertThat(firing.severity()).isEqualTo("warning");
        assertThat(firing.startedAtMillis()).isEqualTo(at(30));
        assertThat(firing.firedAtMillis()).isEqualTo(at(45));
        assertThat(firing.incidentKey())
                .isEqualTo(sha256Hex(S + ":media_gap:" + Math.floorDiv(at(30) / 1000, 300)));
        assertThat(alerts().get(1).state()).isEqualTo("resolved");
        assertThat(alerts().get(1).resolvedAtMillis()).isEqualTo(at(60));
    }

    @Test
    void aDisconnectedPeerIsOneWarningUntilMediaFlowsAgain() throws Exception {
        deliver(
                call(
                        List.of(
                                samples(5, 15, HEALTHY),
                                samples(20, 25, e -> e.peerState = PeerState.DISCONNECTED),
                                samples(30, 30, e -> e.peerState = PeerState.FAILED),
                                samples(35, 50, e -> e.peerState = PeerState.CONNECTED)),
                        51));
        harness.processWatermark(new Watermark(Long.MAX_VALUE));

        assertThat(alerts()).hasSize(2);
        QualityAlert firing = alerts().get(0);
        assertThat(firing.alertType()).isEqualTo("disconnected");
        assertThat(firing.severity()).isEqualTo("warning");
        assertThat(firing.reason()).isEqualTo("peer_state=disconnected");
        assertThat(firing.startedAtMillis()).isEqualTo(at(20));
        assertThat(firing.incidentKey())
                .isEqualTo(sha256Hex(S + ":disconnected:" + Math.floorDiv(at(20) / 1000, 300)));
        assertThat(alerts().get(1).resolvedAtMillis()).isEqualTo(at(35));
    }

    @Test
    void aSampleWithoutMosIsJudgedOnItsEModelEstimate() throws Exception {
        deliver(
                call(
                        List.of(
                                samples(
                                        5,
                                        60,
                                        e -> {
                                            e.mos = null;
                                            e.rttMs = 400.0;
                                            e.jitterMs = 30.0;
                                            e.packetLossPct = 1.0;
                                        })),
                        61));
        harness.processWatermark(new Watermark(Long.MAX_VALUE));

        QualityAlert firing = alerts().get(0);
        assertThat(firing.mosEstimated()).isTrue();
        // Hand-computed: latency 470, R = 94.768 - 35 - 2.5 = 57.268, MOS = 2.95758.
        assertThat(firing.mos()).isCloseTo(2.95758, within(1e-4));
        assertThat(firing.severity()).isEqualTo("critical");
        assertThat(firing.reason()).isEqualTo("mos<3.5");
        assertThat(sessionRow().avgMos()).isCloseTo(2.95758, within(1e-4));
    }

    @Test
    void aRedeliveredSampleChangesNothing() throws Exception {
        List<CanonicalEvent> once =
                call(List.of(samples(5, 15, HEALTHY), samples(20, 80, mos(2.5))), 81);
        List<CanonicalEvent> twice = new ArrayList<>();
        for (CanonicalEvent e : once) {
            twice.add(e);
            CanonicalEvent copy = sample(S, 0);
            copy.kind = e.kind;
            copy.ts = e.ts;
            copy.eventId = e.eventId;
            copy.mos = e.mos;
            copy.state = e.state;
            copy.agentId = e.agentId;
            copy.queueId = e.queueId;
            twice.add(copy);
        }
        List<QualityAlert> expected = runOnFreshHarness(once);
        List<SessionQuality> expectedRows = harness.extractOutputValues();
        assertThat(expectedRows.get(0).samples()).isEqualTo(16);

        assertThat(runOnFreshHarness(twice)).isEqualTo(expected);
        assertThat(harness.extractOutputValues()).isEqualTo(expectedRows);
    }

    @Test
    void allStateAndTimersAreClearedAfterTheSessionEndsWithOpenAlerts() throws Exception {
        // Degraded and then silent: a firing incident and a media gap are open at the timeout.
        deliver(List.of(sample(S, 0, 2.0), sample(S, 5, 2.0), sample(S, 10, 2.0)));
        harness.processWatermark(new Watermark(at(100)));
        assertThat(alerts())
                .extracting(QualityAlert::alertType)
                .containsExactly("media_gap", "degradation");
        assertThat(harness.numKeyedStateEntries()).isPositive();

        harness.processWatermark(new Watermark(at(10) + TIMEOUT.toMillis()));
        assertThat(sessionRow().endReason()).isEqualTo("inactivity");
        assertThat(alerts())
                .filteredOn(a -> Objects.equals(a.state(), "resolved"))
                .extracting(QualityAlert::resolvedAtMillis)
                .containsOnly(at(10) + TIMEOUT.toMillis());

        harness.processWatermark(new Watermark(at(10) + 2 * TIMEOUT.toMillis()));
        assertThat(harness.numEventTimeTimers()).isZero();
        // The session's record of its sample slots goes after the dedup retention (state TTL).
        assertThat(SessionHarness.restoredEntries(harness)).isOne();
        harness.setStateTtlProcessingTime(
                SessionQualityFunction.DEFAULT_SAMPLE_RETENTION.toMillis() + 1);
        assertThat(SessionHarness.restoredEntries(harness)).isZero();
        assertThat(harness.numProcessingTimeTimers()).isZero();
    }

    @Test
    void aSecondIncidentWithTheSameKeyIsNotWrittenOverTheFirst() throws Exception {
        deliver(
                call(
                        List.of(
                                samples(5, 40, mos(2.0)),
                                samples(45, 80, HEALTHY),
                                // Starts at 85 s, in the same 5-minute bucket as the first.
                                samples(85, 130, mos(2.0)),
                                samples(135, 300, HEALTHY),
                                // Starts at 305 s: the next bucket, a new key.
                                samples(305, 340, mos(2.0)),
                                samples(345, 400, HEALTHY)),
                        401));
        harness.processWatermark(new Watermark(Long.MAX_VALUE));

        assertThat(alerts())
                .extracting(QualityAlert::incidentKey, QualityAlert::state)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple(degradationKey(5), "firing"),
                        org.assertj.core.groups.Tuple.tuple(degradationKey(5), "resolved"),
                        org.assertj.core.groups.Tuple.tuple(degradationKey(305), "firing"),
                        org.assertj.core.groups.Tuple.tuple(degradationKey(305), "resolved"));
        assertThat(degradationKey(85)).isEqualTo(degradationKey(5));
        assertThat(sessionRow().incidents()).isEqualTo(2);
    }
}
