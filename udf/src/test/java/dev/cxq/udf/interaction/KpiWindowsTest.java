package dev.cxq.udf.interaction;

import dev.cxq.udf.rows.KpiWindow;
import dev.cxq.udf.rows.SessionQuality;

import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.transformations.OneInputTransformation;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static dev.cxq.udf.testing.Events.at;
import static org.assertj.core.api.Assertions.assertThat;

/** The KPI window operator as the job wires it: end-time windows, SLA lateness, latest version. */
class KpiWindowsTest {

    private static final Duration SLA = Duration.ofHours(4);

    private KeyedOneInputStreamOperatorTestHarness<String, KpiInput, KpiWindow> harness;

    @BeforeEach
    @SuppressWarnings("unchecked")
    void setUp() throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        SingleOutputStreamOperator<KpiWindow> windows =
                env.fromData(
                                KpiInput.of(
                                                summary(
                                                        "x",
                                                        1,
                                                        "agent-1",
                                                        0,
                                                        "completed",
                                                        0,
                                                        null,
                                                        "n"))
                                        .get(0))
                        .keyBy(KpiInput::key)
                        .window(
                                new InteractionEndWindows(
                                        List.of(Duration.ofMinutes(5), Duration.ofHours(1))))
                        .allowedLateness(SLA)
                        .sideOutputLateData(LateKpiInputs.TAG)
                        .process(new KpiWindowFunction());
        var transformation =
                (OneInputTransformation<KpiInput, KpiWindow>) windows.getTransformation();
        harness =
                new KeyedOneInputStreamOperatorTestHarness<>(
                        transformation.getOperatorFactory(), KpiInput::key, Types.STRING);
        harness.open();
    }

    @AfterEach
    void tearDown() throws Exception {
        harness.close();
    }

    /**
     * An ended summary of agent-1 / queue-1. Recording: {@code n} not required, else the status.
     */
    private static InteractionSummary summary(
            String id,
            int version,
            String agent,
            long endSeconds,
            String status,
            long handleSeconds,
            String exclusion,
            String recording) {
        boolean required = !recording.equals("n");
        return new InteractionSummary(
                id,
                version,
                status,
                at(endSeconds - handleSeconds),
                at(endSeconds),
                agent,
                "queue-1",
                null,
                null,
                handleSeconds * 1000,
                0,
                0,
                0,
                false,
                exclusion,
                required,
                required ? recording : "not_required");
    }

    /** A session's media summary on queue-1, ended at {@code endSeconds}. */
    private static SessionQuality media(
            String session,
            String agent,
            long endSeconds,
            long mosSamples,
            Double avgMos,
            int incidents) {
        return new SessionQuality(
                session,
                agent,
                "queue-1",
                at(endSeconds),
                "terminal",
                mosSamples + 2,
                mosSamples,
                avgMos,
                avgMos,
                0.1,
                0,
                incidents);
    }

    private void send(SessionQuality m, long recordTimestamp) throws Exception {
        for (KpiInput input : KpiInput.of(m)) {
            harness.processElement(new StreamRecord<>(input, recordTimestamp));
        }
    }

    private void send(InteractionSummary s, long recordTimestamp) throws Exception {
        for (KpiInput input : KpiInput.of(s)) {
            harness.processElement(new StreamRecord<>(input, recordTimestamp));
        }
    }

    /** The last value written per (dimension, id, size, metric), as an upserting sink keeps it. */
    private Map<String, KpiWindow> table() {
        Map<String, KpiWindow> rows = new HashMap<>();
        for (KpiWindow w : harness.extractOutputValues()) {
            rows.put(
                    w.dimension()
                            + "/"
                            + w.dimensionId()
                            + "/"
                            + w.windowStartMillis()
                            + "/"
                            + w.windowSize()
                            + "/"
                            + w.metric(),
                    w);
        }
        return rows;
    }

    /** The row of the window starting at T0 (every summary here ends in the first 5 minutes). */
    private KpiWindow row(String dimension, String id, String size, String metric) {
        return row(0, dimension, id, size, metric);
    }

    private KpiWindow row(
            long startSeconds, String dimension, String id, String size, String metric) {
        return table().get(
                        dimension + "/" + id + "/" + at(startSeconds) + "/" + size + "/" + metric);
    }

    @Test
    void excludedInteractionsAreLeftOutOfAdjustedAhtNotAveragedAsZero() throws Exception {
        send(summary("a", 1, "agent-1", 200, "completed", 180, null, "n"), at(200));
        send(summary("b", 1, "agent-1", 220, "completed", 60, "ivr_disposition", "n"), at(220));
        send(summary("c", 1, "agent-1", 240, "abandoned", 0, null, "n"), at(240));
        harness.processWatermark(at(3600));

        for (String size : List.of("PT5M", "PT1H")) {
            assertThat(row("agent", "agent-1", size, "interactions_completed").value())
                    .isEqualTo(2.0);
            assertThat(row("agent", "agent-1", size, "interactions_completed").count())
                    .isEqualTo(3);
            assertThat(row("agent", "agent-1", size, "avg_handle_time_s").value()).isEqualTo(120.0);
            KpiWindow adjusted = row("agent", "agent-1", size, "avg_adjusted_aht_s");
            assertThat(adjusted.value()).isEqualTo(180.0);
            assertThat(adjusted.count()).isEqualTo(1);
            assertThat(row("queue", "queue-1", size, "avg_adjusted_aht_s").value())
                    .isEqualTo(180.0);
            assertThat(row("agent", "agent-1", size, "recording_compliance_rate").value())
                    .as("a rate over no required recording is null, not 0")
                    .isNull();
        }
        assertThat(row("agent", "agent-1", "PT5M", "avg_handle_time_s").windowEndMillis())
                .isEqualTo(at(300));
    }

    @Test
    void lateUploadCorrectsTheWindowOfTheInteractionsEnd() throws Exception {
        send(summary("a", 1, "agent-1", 60, "completed", 60, null, "pending"), at(60));
        send(summary("b", 1, "agent-1", 120, "completed", 60, null, "uploaded"), at(120));
        harness.processWatermark(at(3600));
        assertThat(row("agent", "agent-1", "PT5M", "recording_uploaded").value()).isEqualTo(1.0);
        assertThat(row("agent", "agent-1", "PT5M", "recording_pending").value()).isEqualTo(1.0);
        assertThat(row("agent", "agent-1", "PT5M", "recording_compliance_rate").value())
                .isEqualTo(0.5);
        long firstFiring = row("agent", "agent-1", "PT5M", "recording_uploaded").rowVersion();
        assertThat(firstFiring).as("inputs absorbed").isEqualTo(2);

        // Three hours after the end, a's upload arrives: a new version, stamped at the upload.
        send(summary("a", 2, "agent-1", 60, "completed", 60, null, "uploaded"), at(60 + 3 * 3600));
        assertThat(row("agent", "agent-1", "PT5M", "recording_uploaded").rowVersion())
                .as("the correction is the newer row")
                .isEqualTo(firstFiring + 1);
        for (String size : List.of("PT5M", "PT1H")) {
            assertThat(row("agent", "agent-1", size, "recording_uploaded").value()).isEqualTo(2.0);
            assertThat(row("agent", "agent-1", size, "recording_pending").value()).isEqualTo(0.0);
            assertThat(row("agent", "agent-1", size, "recording_compliance_rate").value())
                    .isEqualTo(1.0);
            assertThat(row("agent", "agent-1", size, "recording_required").value())
                    .as("the latest version replaces the earlier one, not added to it")
                    .isEqualTo(2.0);
            assertThat(row("agent", "agent-1", size, "interactions_completed").value())
                    .isEqualTo(2.0);
        }
        assertThat(harness.getSideOutput(LateKpiInputs.TAG)).isNull();
    }

    @Test
    void dataPastTheAllowedLatenessGoesToTheLateOutputAndWindowsAreCleared() throws Exception {
        send(summary("a", 1, "agent-1", 60, "completed", 60, null, "pending"), at(60));
        harness.processWatermark(at(3600 + SLA.toSeconds()));
        int written = harness.extractOutputValues().size();
        assertThat(harness.numKeyedStateEntries()).isZero();

        send(summary("a", 2, "agent-1", 60, "completed", 60, null, "uploaded"), at(60));
        assertThat(harness.extractOutputValues()).hasSize(written);
        assertThat(harness.getSideOutput(LateKpiInputs.TAG))
                .extracting(r -> r.getValue().dimension())
                .containsExactlyInAnyOrder("agent", "queue");
    }

    @Test
    void mediaSessionsGiveASampleWeightedAvgMosAndTheirIncidents() throws Exception {
        send(summary("a", 1, "agent-1", 200, "completed", 180, null, "n"), at(200));
        // m1: 10 MOS samples averaging 4.0; m2: 30 averaging 2.0, in the next 5 minutes.
        send(media("m1", "agent-1", 250, 10, 4.0, 1), at(250));
        send(media("m2", "agent-1", 400, 30, 2.0, 2), at(400));
        // m3: samples without any MOS; it still had (no) incidents.
        send(media("m3", "agent-2", 260, 0, null, 0), at(260));
        // A redelivered media summary counts once.
        send(media("m1", "agent-1", 250, 10, 4.0, 1), at(250));
        harness.processWatermark(at(3600));

        KpiWindow hourMos = row("agent", "agent-1", "PT1H", "avg_mos");
        assertThat(hourMos.value())
                .as("weighted by MOS samples, not per session (which would be 3.0)")
                .isEqualTo((10 * 4.0 + 30 * 2.0) / 40);
        assertThat(hourMos.count()).as("sessions contributing").isEqualTo(2);
        KpiWindow hourIncidents = row("agent", "agent-1", "PT1H", "degradation_incidents");
        assertThat(hourIncidents.value()).isEqualTo(3.0);
        assertThat(hourIncidents.count()).isEqualTo(2);
        assertThat(row("agent", "agent-1", "PT5M", "avg_mos").value()).isEqualTo(4.0);
        assertThat(row(300, "agent", "agent-1", "PT5M", "avg_mos").value()).isEqualTo(2.0);
        assertThat(row(300, "agent", "agent-1", "PT5M", "degradation_incidents").value())
                .isEqualTo(2.0);
        // The media-only window still reports its (absent) interactions like any other window.
        assertThat(row(300, "agent", "agent-1", "PT5M", "interactions_completed").value())
                .isEqualTo(0.0);
        assertThat(row(300, "agent", "agent-1", "PT5M", "avg_handle_time_s").value()).isNull();
        // The interaction's figures are untouched by the media inputs.
        assertThat(row("agent", "agent-1", "PT1H", "interactions_completed").value())
                .isEqualTo(1.0);
        assertThat(row("agent", "agent-1", "PT1H", "avg_handle_time_s").value()).isEqualTo(180.0);

        // The queue sees all three sessions; m3 has no MOS but is a media session.
        assertThat(row("queue", "queue-1", "PT1H", "avg_mos").value()).isEqualTo(2.5);
        assertThat(row("queue", "queue-1", "PT1H", "avg_mos").count()).isEqualTo(2);
        assertThat(row("queue", "queue-1", "PT1H", "degradation_incidents").count()).isEqualTo(3);
        KpiWindow noMos = row("agent", "agent-2", "PT1H", "avg_mos");
        assertThat(noMos.value()).as("an average over no MOS is null, not 0").isNull();
        assertThat(noMos.count()).isZero();
        KpiWindow zeroIncidents = row("agent", "agent-2", "PT1H", "degradation_incidents");
        assertThat(zeroIncidents.value()).as("measured, and none").isEqualTo(0.0);
        assertThat(zeroIncidents.count()).isEqualTo(1);
    }

    @Test
    void withoutMediaSessionsTheMediaMetricsAreNullNotZero() throws Exception {
        send(summary("a", 1, "agent-1", 200, "completed", 180, null, "n"), at(200));
        harness.processWatermark(at(3600));

        for (String metric : List.of("avg_mos", "degradation_incidents")) {
            KpiWindow w = row("agent", "agent-1", "PT5M", metric);
            assertThat(w.value()).as(metric).isNull();
            assertThat(w.count()).as(metric).isZero();
        }
        assertThat(harness.extractOutputValues())
                .extracting(KpiWindow::metric)
                .containsOnly(KpiWindowFunction.METRICS.toArray(String[]::new));
    }

    @Test
    void mediaSummaryPastTheAllowedLatenessGoesToTheLateOutput() throws Exception {
        send(media("m1", "agent-1", 60, 10, 4.0, 1), at(60));
        harness.processWatermark(at(3600 + SLA.toSeconds()));
        assertThat(row("agent", "agent-1", "PT5M", "avg_mos").value()).isEqualTo(4.0);
        int written = harness.extractOutputValues().size();

        send(media("m1", "agent-1", 60, 10, 1.0, 1), at(60));
        assertThat(harness.extractOutputValues()).hasSize(written);
        assertThat(harness.getSideOutput(LateKpiInputs.TAG))
                .extracting(r -> r.getValue().media().sessionId())
                .containsExactly("m1", "m1");
    }
}
