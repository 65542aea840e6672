package dev.cxq.udf.status;

import dev.cxq.udf.rows.PipelineStatus;

import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

/**
 * The status rule of docs/design.md ("pipeline_status") on processing time the test moves: one row
 * per input and minute, written at the minute's end plus the grace.
 */
class PipelineStatusFunctionTest {

    private static final String INPUT = "cxq-events/0";
    private static final long T0 = Instant.parse("2026-03-01T08:00:00Z").toEpochMilli();
    private static final long MINUTE = 60_000;
    private static final PipelineStatusSettings SETTINGS =
            PipelineStatusSettings.defaults(Duration.ofSeconds(10));
    private static final long GRACE = SETTINGS.grace().toMillis();

    private KeyedOneInputStreamOperatorTestHarness<String, InputActivity, PipelineStatus> harness;
    private int rowsSeen;

    @BeforeEach
    void setUp() throws Exception {
        harness = harness();
        harness.setProcessingTime(T0);
    }

    static KeyedOneInputStreamOperatorTestHarness<String, InputActivity, PipelineStatus> harness()
            throws Exception {
        var harness =
                new KeyedOneInputStreamOperatorTestHarness<>(
                        new KeyedProcessOperator<>(new PipelineStatusFunction(SETTINGS)),
                        (InputActivity a) -> a.input,
                        Types.STRING);
        harness.open();
        return harness;
    }

    @AfterEach
    void tearDown() throws Exception {
        harness.close();
    }

    @Test
    void aLiveInputIsStalledInTheFirstMinuteWithoutRecords() throws Exception {
        List<PipelineStatus> rows = new ArrayList<>();
        for (int m = 0; m < 3; m++) {
            rows.add(live(m, 60));
        }
        rows.add(silent(3));

        assertThat(rows)
                .extracting(PipelineStatus::status)
                .containsExactly("live", "live", "live", "stalled");
        PipelineStatus stalled = rows.get(3);
        assertThat(stalled.events()).isZero();
        assertThat(stalled.reason()).isEqualTo("no_events");
        assertThat(stalled.statusSinceMillis()).isEqualTo(T0 + 3 * MINUTE);
        PipelineStatus live = rows.get(2);
        assertThat(live.events()).isEqualTo(60);
        assertThat(live.reason()).isNull();
        assertThat(live.statusSinceMillis()).isEqualTo(T0);
        // Largest event time 1 s before the minute's end, watermark = max - 10 s - 1 ms, lag taken
        // when the row is written (the minute's end plus the grace).
        long watermark = T0 + 3 * MINUTE - 1_000 - 10_000 - 1;
        assertThat(live.watermarkMillis()).isEqualTo(watermark);
        assertThat(live.eventTimeLagMillis()).isEqualTo(T0 + 3 * MINUTE + GRACE - watermark);
    }

    @Test
    void afterAFailoverTheBacklogBurstIsSyncingUntilTheRateIsBackToLive() throws Exception {
        List<PipelineStatus> rows = new ArrayList<>();
        for (int m = 0; m < 5; m++) {
            rows.add(live(m, 60));
        }
        // The platform fails over: minutes 5 to 9 silent. Then the backlog bursts, oldest first:
        // minute 10 reads events of minutes 5 to 7 (lag over 2 min), minute 11 the rest up to now
        // (lag back under the threshold, but five times the live rate), minute 12 is normal.
        for (int m = 5; m < 10; m++) {
            rows.add(silent(m));
        }
        rows.add(minute(10, 400, T0 + 7 * MINUTE));
        rows.add(live(11, 300));
        rows.add(live(12, 60));

        assertThat(rows)
                .extracting(PipelineStatus::status, PipelineStatus::reason)
                .containsExactly(
                        tuple("live", null),
                        tuple("live", null),
                        tuple("live", null),
                        tuple("live", null),
                        tuple("live", null),
                        tuple("stalled", "no_events"),
                        tuple("stalled", "no_events"),
                        tuple("stalled", "no_events"),
                        tuple("stalled", "no_events"),
                        tuple("stalled", "no_events"),
                        tuple("syncing", "lag_over_threshold"),
                        tuple("syncing", "backlog_burst"),
                        tuple("live", null));
        assertThat(rows.get(11).statusSinceMillis()).isEqualTo(T0 + 10 * MINUTE);
        assertThat(rows.get(11).eventTimeLagMillis())
                .isLessThan(SETTINGS.lagThreshold().toMillis());
        assertThat(rows.get(12).statusSinceMillis()).isEqualTo(T0 + 12 * MINUTE);
    }

    @Test
    void aSteadyInputWhoseEventTimeIsBehindByMoreThanTheThresholdIsSyncing() throws Exception {
        List<PipelineStatus> rows = new ArrayList<>();
        for (int m = 0; m < 3; m++) {
            rows.add(minute(m, 60, T0 + (m - 5) * MINUTE));
        }
        rows.add(live(3, 60));

        assertThat(rows)
                .extracting(PipelineStatus::status, PipelineStatus::reason)
                .containsExactly(
                        tuple("syncing", "lag_over_threshold"),
                        tuple("syncing", "lag_over_threshold"),
                        tuple("syncing", "lag_over_threshold"),
                        tuple("live", null));
        assertThat(rows.get(0).eventTimeLagMillis())
                .isGreaterThan(SETTINGS.lagThreshold().toMillis());
    }

    @Test
    void aPeakOfALiveInputIsNoBacklogBurst() throws Exception {
        assertThat(List.of(live(0, 60), live(1, 60), live(2, 600)))
                .extracting(PipelineStatus::status)
                .containsOnly("live");
    }

    @Test
    void theRecordsOfSeveralSubtasksAddUpInTheirMinute() throws Exception {
        feed(0, 10, T0 + 50_000);
        feed(0, 15, T0 + 55_000);
        // A pre-aggregate of minute 1 that arrives within minute 0's grace counts in minute 1.
        harness.setProcessingTime(T0 + MINUTE + 1_000);
        harness.processElement(new InputActivity(INPUT, T0 + MINUTE, 7, T0 + MINUTE), 0);

        assertThat(List.of(close(0), close(1)))
                .extracting(PipelineStatus::events)
                .containsExactly(25L, 7L);
    }

    @Test
    void minutesTheJobDidNotRunAreSkippedNotWrittenAsStalled() throws Exception {
        live(0, 60);
        // The job was down from minute 1 to minute 10: the late timer writes minute 1 only.
        harness.setProcessingTime(T0 + 10 * MINUTE + 30_000);
        assertThat(newRows())
                .extracting(PipelineStatus::minuteStartMillis)
                .containsExactly(T0 + MINUTE);
        assertThat(close(10).minuteStartMillis()).isEqualTo(T0 + 10 * MINUTE);
    }

    @Test
    void anInputSilentForTheForgetTimeGetsNoMoreRowsAndLeavesNoState() throws Exception {
        live(0, 60);
        long forgetMinutes = SETTINGS.forgetAfter().toMillis() / MINUTE;
        List<PipelineStatus> rows = new ArrayList<>();
        for (int m = 1; m <= forgetMinutes + 2; m++) {
            harness.setProcessingTime(T0 + (m + 1) * MINUTE + GRACE);
            rows.addAll(newRows());
        }

        assertThat(rows)
                .hasSize((int) forgetMinutes)
                .extracting(PipelineStatus::status)
                .containsOnly("stalled");
        assertThat(harness.numKeyedStateEntries()).isZero();
        assertThat(harness.numProcessingTimeTimers()).isZero();
    }

    /** Minute {@code m} with {@code records}, the newest event time 1 s before its end. */
    private PipelineStatus live(int m, long records) throws Exception {
        return minute(m, records, T0 + (m + 1) * MINUTE - 1_000);
    }

    private PipelineStatus minute(int m, long records, long maxEventTime) throws Exception {
        feed(m, records, maxEventTime);
        return close(m);
    }

    private PipelineStatus silent(int m) throws Exception {
        return close(m);
    }

    private void feed(int m, long records, long maxEventTime) throws Exception {
        harness.setProcessingTime(T0 + m * MINUTE + 30_000);
        harness.processElement(new InputActivity(INPUT, T0 + m * MINUTE, records, maxEventTime), 0);
    }

    /** Moves processing time to the close of minute {@code m}: exactly its row is written. */
    private PipelineStatus close(int m) throws Exception {
        harness.setProcessingTime(T0 + (m + 1) * MINUTE + GRACE);
        List<PipelineStatus> rows = newRows();
        assertThat(rows)
                .extracting(PipelineStatus::input, PipelineStatus::minuteStartMillis)
                .as("one row per minute")
                .containsExactly(tuple(INPUT, T0 + m * MINUTE));
        return rows.get(0);
    }

    private List<PipelineStatus> newRows() {
        List<PipelineStatus> all = new ArrayList<>(harness.extractOutputValues());
        List<PipelineStatus> fresh = all.subList(rowsSeen, all.size());
        rowsSeen = all.size();
        return fresh;
    }
}
