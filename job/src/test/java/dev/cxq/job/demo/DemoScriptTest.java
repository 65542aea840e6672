package dev.cxq.job.demo;

import dev.cxq.udf.ingest.PayloadDecoder;
import dev.cxq.udf.model.CanonicalEvent;
import dev.cxq.udf.rows.LateEvent;
import dev.cxq.udf.rows.OutputTags;
import dev.cxq.udf.rows.QualityAlert;
import dev.cxq.udf.rows.SessionQuality;
import dev.cxq.udf.testing.SessionHarness;

import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

/** The demo script: deterministic, independent of the split count, and it plays its incidents. */
class DemoScriptTest {

    private static final long ORIGIN = Instant.parse("2026-03-09T15:00:00Z").toEpochMilli();
    private static final long WATERMARK_BOUND_MS = 10_000;
    private static final int SESSIONS = 200;

    private static final DemoScript SCRIPT = new DemoScript(7, SESSIONS, ORIGIN);

    /** The events a split emits up to {@code untilMs} after the origin. */
    private static List<ScriptedEvent> emitted(
            DemoScript script, int split, int splits, long untilMs) {
        SplitTimeline timeline = new SplitTimeline(script, split, splits);
        List<ScriptedEvent> out = new ArrayList<>();
        while (timeline.nextEmitAt() <= ORIGIN + untilMs) {
            out.add(timeline.next());
        }
        return out;
    }

    @Test
    void theSameSeedYieldsTheSameEventsWhateverTheNumberOfSplits() {
        List<ScriptedEvent> one = emitted(SCRIPT, 0, 1, 120_000);
        assertThat(emitted(new DemoScript(7, SESSIONS, ORIGIN), 0, 1, 120_000)).isEqualTo(one);

        Set<ScriptedEvent> threeSplits = new HashSet<>();
        for (int split = 0; split < 3; split++) {
            threeSplits.addAll(emitted(SCRIPT, split, 3, 120_000));
        }
        assertThat(threeSplits).isEqualTo(new HashSet<>(one));
        // Every session sends a sample every 5 s: about 24 per session in 120 s, plus its calls.
        assertThat(one.size()).isGreaterThan(SESSIONS * 20);

        assertThat(emitted(new DemoScript(8, SESSIONS, ORIGIN), 0, 1, 120_000))
                .as("another seed")
                .isNotEqualTo(one);
    }

    /**
     * Pins the generated events of one seed: a refactoring of the generator must not change a
     * single byte of any event, nor its event time, emission instant or order.
     */
    @Test
    void theEventsOfASeedAreExactlyThoseItAlwaysGave() throws Exception {
        MessageDigest digest = MessageDigest.getInstance("SHA-256");
        for (ScriptedEvent e : emitted(SCRIPT, 0, 1, 1_800_000)) {
            digest.update(e.toString().getBytes(StandardCharsets.UTF_8));
        }
        assertThat(HexFormat.of().formatHex(digest.digest()))
                .isEqualTo("3a735c4f9f1de38a9db13b35a5d14a8abd72f5544b13e6b099f0f14cfc9b4862");
    }

    @Test
    void aRestoredSplitContinuesWhereItsStateSaysItStopped() {
        List<ScriptedEvent> all = emitted(SCRIPT, 1, 2, 60_000);
        SplitTimeline restored = new SplitTimeline(SCRIPT, 1, 2).skip(100);
        assertThat(restored.next()).isEqualTo(all.get(100));
        assertThat(restored.emitted()).isEqualTo(101);
    }

    @Test
    void eventsAreValidAndOnlyTheScriptedStragglerIsBehindTheWatermarkBound() {
        List<ScriptedEvent> events = emitted(SCRIPT, 0, 1, 600_000);
        long maxTs = Long.MIN_VALUE;
        long previousEmit = Long.MIN_VALUE;
        List<ScriptedEvent> behind = new ArrayList<>();
        for (ScriptedEvent e : events) {
            assertThat(e.emitAt())
                    .isGreaterThanOrEqualTo(previousEmit)
                    .isGreaterThanOrEqualTo(e.ts());
            previousEmit = e.emitAt();
            if (maxTs != Long.MIN_VALUE && e.ts() <= maxTs - WATERMARK_BOUND_MS) {
                behind.add(e);
            }
            maxTs = Math.max(maxTs, e.ts());
            PayloadDecoder.Decoded decoded = PayloadDecoder.decode(e.payload(), "demo");
            assertThat(decoded.rejectReason()).as(e.payload()).isNull();
            assertThat(decoded.events())
                    .singleElement()
                    .satisfies(c -> assertThat(c.ts).isEqualTo(e.ts()));
        }
        assertThat(behind)
                .singleElement()
                .satisfies(
                        e -> {
                            assertThat(e.sessionId()).isEqualTo(SCRIPT.sessionId(11, 0));
                            assertThat(e.emitAt() - e.ts())
                                    .isEqualTo(CallWriter.STRAGGLER_DELAY_MS);
                        });
    }

    @Test
    void withinFortySecondsOfEventTimeTheScriptedIncidentsRaiseEveryAlertType() throws Exception {
        KeyedOneInputStreamOperatorTestHarness<String, CanonicalEvent, SessionQuality> harness =
                SessionHarness.open();
        // As the source does: events in emission order, a bounded-out-of-orderness watermark.
        long maxTs = Long.MIN_VALUE;
        for (ScriptedEvent e : emitted(SCRIPT, 0, 1, 60_000)) {
            for (CanonicalEvent event : PayloadDecoder.decode(e.payload(), "demo").events()) {
                harness.processElement(new StreamRecord<>(event, event.ts));
            }
            maxTs = Math.max(maxTs, e.ts());
            harness.processWatermark(
                    new Watermark(Math.min(maxTs - WATERMARK_BOUND_MS - 1, ORIGIN + 40_000)));
        }

        List<QualityAlert> alerts = new ArrayList<>();
        harness.getSideOutput(OutputTags.QUALITY_ALERTS).forEach(r -> alerts.add(r.getValue()));
        assertThat(alerts)
                .allSatisfy(
                        a -> assertThat(a.firedAtMillis()).isLessThanOrEqualTo(ORIGIN + 40_000));
        assertThat(alertsOf(alerts, 0))
                .extracting(QualityAlert::alertType, QualityAlert::severity, QualityAlert::reason)
                .containsExactly(tuple("degradation", "high", "mos<3.5"));
        assertThat(alertsOf(alerts, 1))
                .extracting(QualityAlert::alertType, QualityAlert::severity)
                .containsExactly(tuple("degradation", "critical"));
        assertThat(alertsOf(alerts, 2))
                .extracting(QualityAlert::alertType, QualityAlert::reason, QualityAlert::mos)
                .containsExactly(
                        tuple(
                                "degradation",
                                "video_bitrate_kbps<500",
                                alertsOf(alerts, 2).get(0).mos()));
        assertThat(alertsOf(alerts, 2).get(0).mos()).isGreaterThanOrEqualTo(4.0);
        assertThat(alertsOf(alerts, 2).get(0).bitrateKbps()).isLessThan(20.0);
        assertThat(alertsOf(alerts, 3)).extracting(QualityAlert::alertType).contains("media_gap");
        assertThat(alertsOf(alerts, 4))
                .extracting(QualityAlert::alertType)
                .contains("disconnected");
        assertThat(alertsOf(alerts, 5)).as("a single dip never alerts").isEmpty();

        List<LateEvent> late = new ArrayList<>();
        harness.getSideOutput(OutputTags.LATE_EVENTS).forEach(r -> late.add(r.getValue()));
        assertThat(late).extracting(LateEvent::sessionId).containsExactly(SCRIPT.sessionId(11, 0));
        harness.close();
    }

    private static List<QualityAlert> alertsOf(List<QualityAlert> alerts, int slot) {
        String session = SCRIPT.sessionId(slot, 0);
        return alerts.stream().filter(a -> a.sessionId().equals(session)).toList();
    }
}
