package dev.cxq.udf.interaction;

import dev.cxq.udf.model.CanonicalEvent;
import dev.cxq.udf.model.InteractionState;
import dev.cxq.udf.model.RecordingStatus;
import dev.cxq.udf.rows.ComputedMetric;
import dev.cxq.udf.rows.LateEvent;
import dev.cxq.udf.rows.OutputTags;

import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.Function;
import java.util.stream.Collectors;

import static dev.cxq.udf.testing.Events.at;
import static dev.cxq.udf.testing.Events.interaction;
import static dev.cxq.udf.testing.Events.recording;
import static org.assertj.core.api.Assertions.assertThat;

class InteractionFunctionTest {

    private static final long HOUR = 3600;

    private KeyedOneInputStreamOperatorTestHarness<String, CanonicalEvent, InteractionSummary>
            harness;

    @BeforeEach
    void setUp() throws Exception {
        harness = harness(InteractionSettings.defaults());
    }

    private static KeyedOneInputStreamOperatorTestHarness<
                    String, CanonicalEvent, InteractionSummary>
            harness(InteractionSettings settings) throws Exception {
        var h =
                new KeyedOneInputStreamOperatorTestHarness<>(
                        new KeyedProcessOperator<>(new InteractionFunction(settings)),
                        (CanonicalEvent e) -> e.sessionId,
                        Types.STRING);
        h.open();
        return h;
    }

    @AfterEach
    void tearDown() throws Exception {
        harness.close();
    }

    private void send(CanonicalEvent... events) throws Exception {
        for (CanonicalEvent e : events) {
            harness.processElement(new StreamRecord<>(e, e.ts));
        }
    }

    private static CanonicalEvent step(String session, long seconds, InteractionState state) {
        CanonicalEvent e = interaction(session, seconds, state);
        e.agentId = "agent-1";
        e.queueId = "queue-1";
        return e;
    }

    /** queued 0, connected 30, hold 90, unhold 150, wrapup 300, completed 360. */
    private static CanonicalEvent[] callWithHold(String session) {
        CanonicalEvent queued = step(session, 0, InteractionState.QUEUED);
        queued.recordingRequired = true;
        return new CanonicalEvent[] {
            queued,
            step(session, 30, InteractionState.CONNECTED),
            step(session, 90, InteractionState.HOLD),
            step(session, 150, InteractionState.UNHOLD),
            step(session, 300, InteractionState.WRAPUP),
            step(session, 360, InteractionState.COMPLETED)
        };
    }

    private List<InteractionSummary> summaries() {
        return harness.extractOutputValues();
    }

    private InteractionSummary last() {
        List<InteractionSummary> all = summaries();
        return all.get(all.size() - 1);
    }

    private static Map<String, ComputedMetric> rows(InteractionSummary summary) {
        return InteractionMetrics.rows(summary).stream()
                .collect(Collectors.toMap(ComputedMetric::metricType, Function.identity()));
    }

    @Test
    void durationsComeFromTransitionsWithTalkResumingAfterUnhold() throws Exception {
        send(callWithHold("s1"));
        harness.processWatermark(at(400));

        InteractionSummary s = last();
        assertThat(s.status()).isEqualTo("completed");
        assertThat(s.endMillis()).isEqualTo(at(360));
        Map<String, ComputedMetric> rows = rows(s);
        // talk 30..90 and 150..300, hold 90..150, wrap 300..360, queue 0..30
        assertThat(rows.get("talk_s").metricValue()).isEqualTo(210.0);
        assertThat(rows.get("hold_s").metricValue()).isEqualTo(60.0);
        assertThat(rows.get("wrap_s").metricValue()).isEqualTo(60.0);
        assertThat(rows.get("queue_wait_s").metricValue()).isEqualTo(30.0);
        assertThat(rows.get("handle_time_s").metricValue()).isEqualTo(330.0);
        assertThat(rows.get("adjusted_aht_s").metricValue()).isEqualTo(330.0);
        assertThat(rows.get("interaction_status").metricValue()).isEqualTo(1.0);
        assertThat(rows.get("recording_status").metadata()).contains("\"status\":\"pending\"");
        assertThat(rows.values())
                .allSatisfy(r -> assertThat(r.timestampUtcMillis()).isEqualTo(at(360)));
    }

    @Test
    void platformMetricsOnTheTerminalEventWin() throws Exception {
        CanonicalEvent[] events = callWithHold("s1");
        CanonicalEvent terminal = events[events.length - 1];
        terminal.talkMs = 200_000L;
        terminal.holdMs = 45_000L;
        terminal.wrapMs = 70_000L;
        send(events);
        harness.processWatermark(at(400));

        Map<String, ComputedMetric> rows = rows(last());
        assertThat(rows.get("talk_s").metricValue()).isEqualTo(200.0);
        assertThat(rows.get("hold_s").metricValue()).isEqualTo(45.0);
        assertThat(rows.get("wrap_s").metricValue()).isEqualTo(70.0);
        // Not provided by the platform: still derived.
        assertThat(rows.get("queue_wait_s").metricValue()).isEqualTo(30.0);
        assertThat(rows.get("handle_time_s").metricValue()).isEqualTo(315.0);
        assertThat(rows.get("handle_time_s").metadata())
                .contains("\"durations_from\":\"platform\"");
    }

    @Test
    void silentInteractionIsEmittedAsPartialAfterFourHours() throws Exception {
        send(step("s1", 0, InteractionState.QUEUED), step("s1", 60, InteractionState.CONNECTED));
        harness.processWatermark(at(60 + 4 * HOUR - 1));
        assertThat(summaries()).isEmpty();

        harness.processWatermark(at(60 + 4 * HOUR));
        InteractionSummary s = last();
        assertThat(s.status()).isEqualTo("partial");
        assertThat(s.endMillis()).isEqualTo(at(60));
        assertThat(rows(s).get("interaction_status").metricValue()).isEqualTo(0.0);
        assertThat(rows(s).get("interaction_status").metadata()).contains("partial");

        harness.processWatermark(Long.MAX_VALUE);
        assertThat(harness.numKeyedStateEntries()).isZero();
        assertThat(harness.numEventTimeTimers()).isZero();
    }

    @Test
    void failedRecordingLeavesHandleTimeIntact() throws Exception {
        send(callWithHold("s1"));
        send(recording("s1", 420, RecordingStatus.FAILED));
        harness.processWatermark(Long.MAX_VALUE);

        Map<String, ComputedMetric> rows = rows(last());
        assertThat(rows.get("recording_status").metricValue()).isEqualTo(0.0);
        assertThat(rows.get("recording_status").metadata()).contains("\"status\":\"failed\"");
        assertThat(rows.get("handle_time_s").metricValue()).isEqualTo(330.0);
        assertThat(rows.get("talk_s").metricValue()).isEqualTo(210.0);
        assertThat(harness.numKeyedStateEntries()).isZero();
    }

    @Test
    void uploadThreeHoursAfterTheEndUpdatesTheSameRows() throws Exception {
        send(callWithHold("s1"));
        harness.processWatermark(at(360 + HOUR));
        InteractionSummary atEnd = last();
        assertThat(atEnd.recordingStatus()).isEqualTo("pending");

        send(recording("s1", 360 + 3 * HOUR, RecordingStatus.UPLOADED));
        harness.processWatermark(at(360 + 3 * HOUR + 1));
        InteractionSummary afterUpload = last();
        assertThat(afterUpload.version()).isGreaterThan(atEnd.version());
        assertThat(afterUpload.endMillis()).isEqualTo(atEnd.endMillis());
        Map<String, ComputedMetric> before = rows(atEnd);
        Map<String, ComputedMetric> after = rows(afterUpload);
        // Same keys (an upsert), same handle time, corrected recording status.
        assertThat(after.keySet()).isEqualTo(before.keySet());
        assertThat(after.get("handle_time_s"))
                .usingRecursiveComparison()
                .ignoringFields("rowVersion")
                .isEqualTo(before.get("handle_time_s"));
        // ... written as the newer version, so the writers keep it whatever order they get.
        assertThat(after.get("recording_status").rowVersion())
                .isEqualTo(afterUpload.version())
                .isGreaterThan(before.get("recording_status").rowVersion());
        assertThat(after.get("recording_status").metricValue()).isEqualTo(1.0);
        assertThat(after.get("recording_status").metadata()).contains("uploaded");

        int emitted = summaries().size();
        harness.processWatermark(Long.MAX_VALUE);
        assertThat(summaries()).as("uploaded is final: nothing at the SLA").hasSize(emitted);
        assertThat(harness.numKeyedStateEntries()).isZero();
    }

    @Test
    void requiredRecordingWithNothingUploadedIsMissingAfterTheSla() throws Exception {
        send(callWithHold("s1"));
        send(recording("s1", 400, RecordingStatus.PENDING));
        harness.processWatermark(at(360 + 4 * HOUR - 1));
        assertThat(last().recordingStatus()).isEqualTo("pending");

        harness.processWatermark(at(360 + 4 * HOUR));
        assertThat(last().recordingStatus()).isEqualTo("missing");
        assertThat(rows(last()).get("handle_time_s").metricValue()).isEqualTo(330.0);
        assertThat(harness.numKeyedStateEntries()).isZero();
        assertThat(harness.numEventTimeTimers()).isZero();
    }

    @Test
    void recordingAfterTheSlaGoesToLateEvents() throws Exception {
        send(callWithHold("s1"));
        harness.processWatermark(at(360 + 4 * HOUR));
        int emitted = summaries().size();

        send(recording("s1", 360 + 5 * HOUR, RecordingStatus.UPLOADED));
        harness.processWatermark(Long.MAX_VALUE);

        assertThat(summaries()).hasSize(emitted);
        ConcurrentLinkedQueue<StreamRecord<LateEvent>> late =
                harness.getSideOutput(OutputTags.LATE_EVENTS);
        assertThat(late).extracting(r -> r.getValue().kind()).containsExactly("recording");
        assertThat(harness.numKeyedStateEntries()).isZero();
    }

    @Test
    void businessHoursAreEvaluatedInTheAgentsZoneAcrossDst() throws Exception {
        // 2026-03-08 is the first day of DST in New York: 12:30Z is 08:30 local (inside);
        // the day before, 12:30Z is 07:30 local (outside).
        send(zoned("inside", Instant.parse("2026-03-08T12:30:00Z")));
        send(zoned("outside", Instant.parse("2026-03-07T12:30:00Z")));
        harness.processWatermark(Long.MAX_VALUE);

        Map<String, InteractionSummary> byId =
                summaries().stream()
                        .collect(
                                Collectors.toMap(
                                        InteractionSummary::interactionId,
                                        Function.identity(),
                                        (a, b) -> b));
        assertThat(rows(byId.get("inside"))).containsKey("adjusted_aht_s");
        assertThat(rows(byId.get("outside"))).doesNotContainKey("adjusted_aht_s");
        assertThat(rows(byId.get("outside"))).containsKey("handle_time_s");
        assertThat(byId.get("outside").adjustedAhtExclusion()).isEqualTo("outside_business_hours");
    }

    @Test
    void defaultZoneAppliesWhenTheEventHasNone() throws Exception {
        InteractionSettings newYork =
                new InteractionSettings(
                        InteractionSettings.defaults().businessStart(),
                        InteractionSettings.defaults().businessEnd(),
                        ZoneId.of("America/New_York"),
                        InteractionSettings.defaults().ivrDispositions(),
                        Duration.ofHours(4),
                        Duration.ofHours(4),
                        Duration.ofHours(24));
        harness.close();
        harness = harness(newYork);
        CanonicalEvent[] events = zoned("s1", Instant.parse("2026-03-07T12:30:00Z"));
        for (CanonicalEvent e : events) {
            e.agentTimezone = null;
        }
        send(events);
        harness.processWatermark(Long.MAX_VALUE);
        assertThat(last().adjustedAhtExclusion()).isEqualTo("outside_business_hours");
    }

    private static CanonicalEvent[] zoned(String session, Instant start) {
        long offset = (start.toEpochMilli() - at(0)) / 1000;
        CanonicalEvent connected = step(session, offset, InteractionState.CONNECTED);
        connected.agentTimezone = "America/New_York";
        CanonicalEvent completed = step(session, offset + 300, InteractionState.COMPLETED);
        return new CanonicalEvent[] {connected, completed};
    }

    @Test
    void ivrSelfServiceIsExcludedFromAdjustedAhtOnly() throws Exception {
        CanonicalEvent[] events = callWithHold("s1");
        events[events.length - 1].disposition = "IVR_SELF_SERVICE";
        send(events);
        harness.processWatermark(Long.MAX_VALUE);

        Map<String, ComputedMetric> rows = rows(last());
        assertThat(rows).doesNotContainKey("adjusted_aht_s");
        assertThat(rows.get("handle_time_s").metricValue()).isEqualTo(330.0);
        assertThat(last().adjustedAhtExclusion()).isEqualTo("ivr_disposition");
    }

    @Test
    void abandonedInQueueHasQueueWaitAndNoHandleTime() throws Exception {
        send(step("s1", 0, InteractionState.QUEUED), step("s1", 120, InteractionState.ABANDONED));
        harness.processWatermark(Long.MAX_VALUE);

        InteractionSummary s = last();
        assertThat(s.status()).isEqualTo("abandoned");
        Map<String, ComputedMetric> rows = rows(s);
        assertThat(rows.get("interaction_status").metricValue()).isEqualTo(0.0);
        assertThat(rows.get("interaction_status").metadata()).contains("abandoned");
        assertThat(rows.get("handle_time_s").metricValue()).isEqualTo(0.0);
        assertThat(rows.get("queue_wait_s").metricValue()).isEqualTo(120.0);
        assertThat(rows.get("recording_status").metadata()).contains("not_required");
    }

    @Test
    void resultsDoNotDependOnArrivalOrderWithinTheWatermarkBound() throws Exception {
        CanonicalEvent[] events = callWithHold("s1");
        for (int i = events.length - 1; i >= 0; i--) {
            send(events[i]);
        }
        harness.processWatermark(Long.MAX_VALUE);
        assertThat(rows(last()).get("handle_time_s").metricValue()).isEqualTo(330.0);
        assertThat(rows(last()).get("talk_s").metricValue()).isEqualTo(210.0);
    }
}
