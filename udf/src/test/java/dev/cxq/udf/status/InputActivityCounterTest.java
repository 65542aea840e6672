package dev.cxq.udf.status;

import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

/**
 * The per-subtask pre-aggregation of the records' splits that the parser passes on: one record per
 * input and minute, none held at a checkpoint.
 */
class InputActivityCounterTest {

    private static final long MINUTE = 60_000;

    private OneInputStreamOperatorTestHarness<String, InputActivity> harness;

    @BeforeEach
    void setUp() throws Exception {
        harness =
                new OneInputStreamOperatorTestHarness<>(
                        new InputActivityCounter(Duration.ofMinutes(1)));
        harness.open();
        harness.setProcessingTime(10 * MINUTE + 1_000);
    }

    @AfterEach
    void tearDown() throws Exception {
        harness.close();
    }

    @Test
    void countsRecordsPerInputAndFlushesAtTheMinutesEnd() throws Exception {
        harness.processElement(new StreamRecord<>("t/0", 5_000));
        harness.processElement(new StreamRecord<>("t/0", 9_000));
        harness.processElement(new StreamRecord<>("t/1", 3_000));
        // A record to be rejected moves no event time.
        harness.processElement(new StreamRecord<>("t/1", Long.MIN_VALUE));
        assertThat(harness.extractOutputValues()).isEmpty();

        harness.setProcessingTime(11 * MINUTE);

        assertThat(activities())
                .containsExactlyInAnyOrder(
                        tuple("t/0", 10 * MINUTE, 2L, 9_000L),
                        tuple("t/1", 10 * MINUTE, 2L, 3_000L));
    }

    @Test
    void emitsEverythingBeforeACheckpointBarrier() throws Exception {
        harness.processElement(new StreamRecord<>("/data/a.jsonl", 5_000));
        harness.prepareSnapshotPreBarrier(1);

        assertThat(activities()).containsExactly(tuple("/data/a.jsonl", 10 * MINUTE, 1L, 5_000L));
    }

    private List<Object> activities() {
        return harness.extractOutputValues().stream()
                .map(a -> (Object) tuple(a.input, a.minuteStart, a.records, a.maxEventTime))
                .toList();
    }
}
