package dev.cxq.udf.interaction;

import dev.cxq.udf.rows.ComputedMetric;

import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.stream.Collectors;

import static dev.cxq.udf.testing.Events.at;
import static org.assertj.core.api.Assertions.assertThat;

class FcrFunctionTest {

    private static final long HOUR = 3600;

    private KeyedOneInputStreamOperatorTestHarness<String, InteractionSummary, ComputedMetric>
            harness;

    @BeforeEach
    void setUp() throws Exception {
        harness =
                new KeyedOneInputStreamOperatorTestHarness<>(
                        new KeyedProcessOperator<>(new FcrFunction(InteractionSettings.defaults())),
                        InteractionSummary::customerId,
                        Types.STRING);
        harness.open();
    }

    @AfterEach
    void tearDown() throws Exception {
        harness.close();
    }

    /** A summary of customer c-1; {@code endSeconds} null while open. */
    private void send(String id, int version, long startSeconds, Long endSeconds) throws Exception {
        InteractionSummary s =
                new InteractionSummary(
                        id,
                        version,
                        endSeconds == null ? null : "completed",
                        at(startSeconds),
                        endSeconds == null ? null : at(endSeconds),
                        "agent-1",
                        "queue-1",
                        "c-1",
                        null,
                        0,
                        0,
                        0,
                        0,
                        false,
                        null,
                        false,
                        "not_required");
        harness.processElement(
                new StreamRecord<>(s, endSeconds == null ? at(startSeconds) : at(endSeconds)));
    }

    private Map<String, Double> fcr() {
        return harness.extractOutputValues().stream()
                .collect(
                        Collectors.toMap(
                                ComputedMetric::interactionId, ComputedMetric::metricValue));
    }

    @Test
    void callbackWithin24HoursIsNotFirstContactResolutionAndOneOutsideIs() throws Exception {
        send("first", 1, 0, 600L);
        // The callback starts 10 h after the first ended; its summary comes when it starts.
        send("callback", 1, 600 + 10 * HOUR, null);
        harness.processWatermark(at(600 + 10 * HOUR));
        send("callback", 2, 600 + 10 * HOUR, 1200 + 10 * HOUR);
        // The third starts 30 h after the callback ended: outside its window.
        send("third", 1, 1200 + 40 * HOUR, 1800 + 40 * HOUR);

        harness.processWatermark(at(600 + 24 * HOUR - 1));
        assertThat(fcr()).as("nothing before the window closes").isEmpty();

        harness.processWatermark(at(600 + 24 * HOUR));
        assertThat(fcr()).containsExactlyEntriesOf(Map.of("first", 0.0));

        harness.processWatermark(Long.MAX_VALUE);
        assertThat(fcr()).isEqualTo(Map.of("first", 0.0, "callback", 1.0, "third", 1.0));
        assertThat(harness.extractOutputValues())
                .filteredOn(m -> m.interactionId().equals("first"))
                .allSatisfy(
                        m -> {
                            assertThat(m.metricType()).isEqualTo("fcr");
                            assertThat(m.timestampUtcMillis()).isEqualTo(at(600));
                            assertThat(m.metadata())
                                    .contains("\"repeat_interaction_id\":\"callback\"");
                        });
        assertThat(harness.numKeyedStateEntries()).isZero();
    }

    @Test
    void decisionDoesNotDependOnArrivalOrder() throws Exception {
        send("callback", 2, 600 + 23 * HOUR, 900 + 23 * HOUR);
        send("first", 2, 0, 600L);
        send("first", 1, 0, 600L);
        harness.processWatermark(Long.MAX_VALUE);
        assertThat(fcr()).isEqualTo(Map.of("first", 0.0, "callback", 1.0));
        assertThat(harness.extractOutputValues()).hasSize(2);
    }

    @Test
    void anOpenVersionArrivingAfterTheEndedOneDoesNotTakeTheEndBack() throws Exception {
        // A batch run can deliver an interaction's versions in any order: v2 (ended) before v1.
        send("partial", 2, 0, 600L);
        send("partial", 1, 0, null);
        harness.processWatermark(Long.MAX_VALUE);
        assertThat(fcr()).isEqualTo(Map.of("partial", 1.0));
        assertThat(harness.numKeyedStateEntries()).isZero();
    }

    @Test
    void anOpenInteractionWhoseEndNeverComesLeavesNoState() throws Exception {
        // Its customer id changed afterwards: its end summary goes to the other customer's key.
        send("moved", 1, 0, null);
        harness.processWatermark(at(24 * HOUR - 1));
        assertThat(harness.numKeyedStateEntries()).isOne();
        harness.processWatermark(at(24 * HOUR));
        assertThat(harness.numKeyedStateEntries()).isZero();
        assertThat(harness.numEventTimeTimers()).isZero();
        assertThat(fcr()).isEmpty();
    }

    @Test
    void anInteractionLongerThanTheWindowIsStillDecidedAfterItsOpenSpanExpired() throws Exception {
        send("long", 1, 0, null);
        harness.processWatermark(at(30 * HOUR));
        assertThat(harness.numKeyedStateEntries()).isZero();
        send("long", 2, 0, 30 * HOUR);
        send("callback", 1, 40 * HOUR, null);
        harness.processWatermark(at(54 * HOUR));
        assertThat(fcr()).containsEntry("long", 0.0);
        harness.processWatermark(at(40 * HOUR + 24 * HOUR));
        assertThat(harness.numKeyedStateEntries()).isZero();
        assertThat(harness.numEventTimeTimers()).isZero();
    }
}
