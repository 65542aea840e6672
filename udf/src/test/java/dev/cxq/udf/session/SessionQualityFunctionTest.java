package dev.cxq.udf.session;

import dev.cxq.udf.model.CanonicalEvent;
import dev.cxq.udf.model.InteractionState;
import dev.cxq.udf.model.RecordingStatus;
import dev.cxq.udf.parse.CanonicalEventParser;
import dev.cxq.udf.parse.ParseResult;
import dev.cxq.udf.quality.MediaQualityDetector;
import dev.cxq.udf.rows.OutputTags;
import dev.cxq.udf.rows.QualityAlert;
import dev.cxq.udf.rows.SessionQuality;
import dev.cxq.udf.testing.ContractRules;
import dev.cxq.udf.testing.SessionHarness;

import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.java.typeutils.GenericTypeInfo;
import org.apache.flink.api.java.typeutils.PojoTypeInfo;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

import static dev.cxq.udf.testing.Events.at;
import static dev.cxq.udf.testing.Events.interaction;
import static dev.cxq.udf.testing.Events.recording;
import static dev.cxq.udf.testing.Events.sample;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

class SessionQualityFunctionTest {

    private static final Duration TIMEOUT = SessionHarness.TIMEOUT;

    private KeyedOneInputStreamOperatorTestHarness<String, CanonicalEvent, SessionQuality> harness;

    @BeforeEach
    void setUp() throws Exception {
        harness = SessionHarness.open();
    }

    @AfterEach
    void tearDown() throws Exception {
        harness.close();
    }

    private void send(CanonicalEvent e) throws Exception {
        harness.processElement(new StreamRecord<>(e, e.ts));
    }

    private static List<CanonicalEvent> callWithSamples() {
        List<CanonicalEvent> events = new ArrayList<>();
        CanonicalEvent connected = interaction("s1", 0, InteractionState.CONNECTED);
        connected.agentId = "agent-1";
        connected.queueId = "queue-1";
        events.add(connected);
        for (int i = 1; i <= 12; i++) {
            events.add(sample("s1", 5L * i, i == 6 ? 2.5 : 4.0));
        }
        events.add(interaction("s1", 61, InteractionState.COMPLETED));
        // After the terminal event in event time: not part of the session.
        events.add(sample("s1", 62, 1.0));
        return events;
    }

    @Test
    void terminalEventEndsTheSessionWithItsStatistics() throws Exception {
        for (CanonicalEvent e : callWithSamples()) {
            send(e);
        }
        harness.processWatermark(at(100));

        assertThat(harness.extractOutputValues())
                .containsExactly(
                        new SessionQuality(
                                "s1",
                                "agent-1",
                                // The queue comes from the interaction events, for the KPI windows.
                                "queue-1",
                                at(61),
                                "terminal",
                                12,
                                12,
                                (11 * 4.0 + 2.5) / 12,
                                2.5,
                                0.1,
                                // The one dip (MOS 2.5 at 30 s) lasts until the next sample.
                                5.0,
                                0));
    }

    @Test
    void outOfOrderArrivalWithinTheBoundGivesTheSameRow() throws Exception {
        List<CanonicalEvent> shuffled = callWithSamples();
        Collections.shuffle(shuffled, new Random(7));
        for (CanonicalEvent e : shuffled) {
            send(e);
        }
        harness.processWatermark(at(100));

        assertThat(harness.extractOutputValues())
                .singleElement()
                .satisfies(
                        row -> {
                            assertThat(row.samples()).isEqualTo(12);
                            assertThat(row.minMos()).isEqualTo(2.5);
                            assertThat(row.endedAtMillis()).isEqualTo(at(61));
                        });
    }

    @Test
    void inactivityEndsTheSessionAtItsLastEvent() throws Exception {
        send(sample("s2", 0));
        send(sample("s2", 5));
        harness.processWatermark(at(5 + TIMEOUT.toSeconds() - 1));
        assertThat(harness.extractOutputValues()).isEmpty();

        harness.processWatermark(at(5 + TIMEOUT.toSeconds()));
        assertThat(harness.extractOutputValues())
                .singleElement()
                .satisfies(
                        row -> {
                            assertThat(row.endReason()).isEqualTo("inactivity");
                            assertThat(row.endedAtMillis()).isEqualTo(at(5));
                            assertThat(row.samples()).isEqualTo(2);
                        });
    }

    @Test
    void endOfInputRunsEveryPendingDeadline() throws Exception {
        // Batch execution jumps the watermark to the end of time once per key.
        send(sample("s3", 0));
        send(sample("s3", 3600));
        harness.processWatermark(Long.MAX_VALUE);

        assertThat(harness.extractOutputValues())
                .extracting(SessionQuality::samples, SessionQuality::endedAtMillis)
                .containsExactly(tuple(1L, at(0)), tuple(1L, at(3600)));
        assertThat(harness.numEventTimeTimers()).isZero();
        // Only the record of its sample slots, which the dedup retention clears (state TTL).
        assertThat(SessionHarness.restoredEntries(harness)).isOne();
        harness.setStateTtlProcessingTime(
                SessionQualityFunction.DEFAULT_SAMPLE_RETENTION.toMillis() + 1);
        assertThat(SessionHarness.restoredEntries(harness)).isZero();
    }

    @Test
    void sessionsWithoutMediaEmitNothingAndRecordingsDoNotReopenASession() throws Exception {
        send(interaction("chat", 0, InteractionState.CONNECTED));
        send(interaction("chat", 60, InteractionState.COMPLETED));
        send(recording("chat", 3 * 3600, RecordingStatus.UPLOADED));
        harness.processWatermark(Long.MAX_VALUE);
        assertThat(harness.extractOutputValues()).isEmpty();
    }

    @Test
    void anEndedSessionKeepsOnlyItsRecordAndNoTimer() throws Exception {
        for (CanonicalEvent e : callWithSamples()) {
            send(e);
        }
        harness.processWatermark(at(100));
        assertThat(harness.extractOutputValues()).hasSize(1);
        // Its end is in the record of its ids and sample slots: no value, no timer of its own.
        assertThat(harness.numEventTimeTimers()).isZero();
        assertThat(harness.numKeyedStateEntries()).isEqualTo(1);
        assertThat(harness.numProcessingTimeTimers()).isZero();
        // The record stays for the dedup retention (state TTL).
        harness.setStateTtlProcessingTime(
                SessionQualityFunction.DEFAULT_SAMPLE_RETENTION.toMillis() + 1);
        assertThat(SessionHarness.restoredEntries(harness)).isZero();
    }

    @Test
    void aSampleWithinTheTimeoutAfterTheEndIsDroppedOneAtItOpensASecondSession() throws Exception {
        for (CanonicalEvent e : callWithSamples()) {
            send(e);
        }
        long endPlusTimeout = 61 + TIMEOUT.toSeconds();
        send(sample("s1", endPlusTimeout - 1, 4.0));
        harness.processWatermark(at(endPlusTimeout - 1));
        assertThat(harness.extractOutputValues()).hasSize(1);
        assertThat(harness.numEventTimeTimers()).isZero();
        assertThat(harness.numKeyedStateEntries()).isEqualTo(1);

        send(sample("s1", endPlusTimeout, 4.0));
        harness.processWatermark(Long.MAX_VALUE);
        assertThat(harness.extractOutputValues())
                .extracting(SessionQuality::samples, SessionQuality::endedAtMillis)
                .containsExactly(tuple(12L, at(61)), tuple(1L, at(endPlusTimeout)));
    }

    /**
     * The end lives in the session's record, kept for the event-id retention: with a retention
     * shorter than the inactivity timeout, the record still outlives the timeout in processing
     * time, so a sample within the timeout after the end does not open a second session.
     */
    @Test
    void aRetentionShorterThanTheTimeoutStillRemembersTheEndForTheTimeout() throws Exception {
        Duration retention = Duration.ofMinutes(5);
        try (var shortRetention =
                SessionHarness.open(
                        new SessionQualityFunction(
                                TIMEOUT, ContractRules.THRESHOLDS, retention, retention))) {
            shortRetention.setStateTtlProcessingTime(0);
            for (CanonicalEvent e : callWithSamples()) {
                SessionHarness.send(shortRetention, e);
            }
            shortRetention.processWatermark(at(70));
            // Past the retention, within the timeout, in processing time as in event time.
            shortRetention.setStateTtlProcessingTime(TIMEOUT.toMillis() - 1);
            SessionHarness.send(shortRetention, sample("s1", 61 + TIMEOUT.toSeconds() - 1, 4.0));
            shortRetention.processWatermark(Long.MAX_VALUE);
            assertThat(shortRetention.extractOutputValues()).hasSize(1);
        }
    }

    @Test
    void samplesBehindTheWatermarkGoToLateEventsNotToTheSession() throws Exception {
        send(sample("s4", 0));
        harness.processWatermark(at(20));
        CanonicalEvent late = sample("s4", 10);
        send(late);
        send(interaction("s4", 30, InteractionState.COMPLETED));
        harness.processWatermark(at(40));

        assertThat(harness.extractOutputValues())
                .singleElement()
                .satisfies(row -> assertThat(row.samples()).isEqualTo(1));
        assertThat(harness.getSideOutput(OutputTags.LATE_EVENTS))
                .extracting(StreamRecord::getValue)
                .singleElement()
                .satisfies(
                        row -> {
                            assertThat(row.eventId()).isEqualTo(late.eventId);
                            assertThat(row.tsMillis()).isEqualTo(at(10));
                            assertThat(row.kind()).isEqualTo("media_sample");
                            ParseResult reparsed =
                                    CanonicalEventParser.parse(row.payload(), "test");
                            assertThat(reparsed.event()).isEqualTo(late);
                        });
    }

    private List<QualityAlert> mediaGaps() {
        return harness.getSideOutput(OutputTags.QUALITY_ALERTS) == null
                ? List.of()
                : harness.getSideOutput(OutputTags.QUALITY_ALERTS).stream()
                        .map(StreamRecord::getValue)
                        .filter(alert -> alert.alertType().equals(QualityAlert.MEDIA_GAP))
                        .toList();
    }

    /** A connected call whose last sample is at 5 s: its gap deadline is at 20 s. */
    private void silentAfterFiveSeconds(String session) throws Exception {
        CanonicalEvent connected = interaction(session, 0, InteractionState.CONNECTED);
        connected.agentId = "agent-1";
        send(connected);
        send(sample(session, 5));
    }

    @Test
    void aWrapupExactlyFifteenSecondsAfterTheLastSampleIsNoMediaGap() throws Exception {
        silentAfterFiveSeconds("s5");
        // Media was expected for exactly 15 s, not more, then wrap-up began.
        send(interaction("s5", 20, InteractionState.WRAPUP));
        send(interaction("s5", 60, InteractionState.COMPLETED));
        harness.processWatermark(at(100));

        assertThat(mediaGaps()).isEmpty();
    }

    @Test
    void aWrapupOneMillisecondLaterFollowsAMediaGap() throws Exception {
        silentAfterFiveSeconds("s6");
        CanonicalEvent wrapup = interaction("s6", 20, InteractionState.WRAPUP);
        wrapup.ts += 1;
        send(wrapup);
        send(interaction("s6", 60, InteractionState.COMPLETED));
        harness.processWatermark(at(100));

        assertThat(mediaGaps())
                .extracting(QualityAlert::state, QualityAlert::firedAtMillis)
                .containsExactly(
                        tuple(QualityAlert.FIRING, at(20)), tuple(QualityAlert.RESOLVED, at(20)));
    }

    @Test
    void aGapPastATransferAtItsDeadlineNamesTheAgentConnectedThen() throws Exception {
        silentAfterFiveSeconds("s7");
        CanonicalEvent transfer = interaction("s7", 20, InteractionState.CONNECTED);
        transfer.agentId = "agent-2";
        send(transfer);
        send(interaction("s7", 60, InteractionState.COMPLETED));
        harness.processWatermark(at(100));

        // The silence becomes longer than 15 s after the transfer at 20 s.
        assertThat(mediaGaps())
                .extracting(QualityAlert::state, QualityAlert::agentId)
                .containsExactly(
                        tuple(QualityAlert.FIRING, "agent-2"),
                        tuple(QualityAlert.RESOLVED, "agent-2"));
    }

    @Test
    void theClassesEarlierSavepointsNameAreFlinkPojos() {
        // Restored POJO serializers of these classes read the state of the builds before
        // SessionStateSerializer (and 0.1.0's stats); a Kryo fallback would not read it.
        for (Class<?> type :
                List.of(
                        SessionQualityFunction$SessionState.class,
                        SessionQualityFunction$SessionStats.class,
                        SessionQualityFunction$EndedSamples.class,
                        SampleSlots.class,
                        SampleSlots.Sequence.class,
                        MediaQualityDetector.class)) {
            assertThat(TypeInformation.of(type))
                    .as(type.getName())
                    .isInstanceOf(PojoTypeInfo.class);
            PojoTypeInfo<?> pojo = (PojoTypeInfo<?>) TypeInformation.of(type);
            for (int i = 0; i < pojo.getArity(); i++) {
                assertThat(pojo.getTypeAt(i))
                        .as(pojo.getPojoFieldAt(i).getField().getName())
                        .isNotInstanceOf(GenericTypeInfo.class);
            }
        }
    }
}
