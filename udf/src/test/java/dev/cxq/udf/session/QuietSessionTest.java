package dev.cxq.udf.session;

import dev.cxq.udf.model.CanonicalEvent;
import dev.cxq.udf.model.CanonicalEventSerializer;
import dev.cxq.udf.model.InteractionState;
import dev.cxq.udf.model.MediaType;
import dev.cxq.udf.model.PeerState;
import dev.cxq.udf.rows.LateEvent;
import dev.cxq.udf.rows.OutputTags;
import dev.cxq.udf.rows.QualityAlert;
import dev.cxq.udf.rows.SessionQuality;
import dev.cxq.udf.testing.CountedSessionQuality;
import dev.cxq.udf.testing.SessionHarness;
import dev.cxq.udf.testing.StateAccessCounter;

import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.util.OutputTag;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;

import static dev.cxq.udf.testing.Events.at;
import static dev.cxq.udf.testing.Events.interaction;
import static dev.cxq.udf.testing.Events.sample;
import static dev.cxq.udf.testing.SessionHarness.outputs;
import static dev.cxq.udf.testing.SessionHarness.send;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The healthy samples of a quiet session wait on the heap past their time ({@link HeldEvents}):
 * what is written, and at which watermark, is what a run where nothing waits writes.
 */
class QuietSessionTest {

    /**
     * Random sessions (healthy runs, degradation streaks, media gaps, holds, disconnects, video
     * falling back, terminal events or none), run twice: as it is, and with no sample allowed to
     * wait. Both write the same, watermark by watermark (in any order within one); the first reads
     * far less state at the watermarks.
     */
    @Test
    void waitingSamplesChangeNeitherWhatIsWrittenNorWhen() throws Exception {
        for (long seed = 1; seed <= 12; seed++) {
            List<CanonicalEvent> events = sessions(new SplittableRandom(seed));
            List<Arrival> plan = inOrder(events, watermarks(events, new SplittableRandom(~seed)));
            assertWaitingChangesNothing(seed, plan, 2);
        }
    }

    /**
     * The same with the arrivals a platform sends: out of order within the watermark bound,
     * redelivered at once or after the watermark has passed them, first delivered only after the
     * watermark has passed them, and watermarks that land exactly on event times. Late events and
     * hand-overs to the interaction side must not depend on whether samples waited either.
     */
    @Test
    void copiesDisorderLatenessAndWatermarksOnEventTimesChangeNothingEither() throws Exception {
        for (long seed = 1; seed <= 12; seed++) {
            List<CanonicalEvent> events = sessions(new SplittableRandom(seed));
            List<Arrival> plan = hostile(events, new SplittableRandom(seed * 31));
            Run eager = assertWaitingChangesNothing(seed, plan, 1);
            assertThat(eager.written().stream().flatMap(List::stream))
                    .as("seed %d writes late events and hands events on", seed)
                    .hasAtLeastOneElementOfType(LateEvent.class)
                    .anyMatch(written -> written.toString().startsWith("handed on "));
        }
    }

    /**
     * Samples that waited still let a media gap open when the watermark passes its bound: the
     * silence after the last of them, not after the last one handed over.
     */
    @Test
    void aMediaGapAfterWaitingSamplesOpensWhenTheWatermarkPassesIt() throws Exception {
        try (var harness = SessionHarness.open()) {
            send(harness, interaction("s", 0, InteractionState.CONNECTED));
            for (long t = 5; t <= 60; t += 5) {
                send(harness, sample("s", t));
                harness.processWatermark(new Watermark(at(t)));
            }
            harness.processWatermark(new Watermark(at(75) - 1));
            assertThat(outputs(harness)).as("not yet 15 s of silence").isEmpty();
            harness.processWatermark(new Watermark(at(75)));
            assertThat(outputs(harness))
                    .singleElement()
                    .isInstanceOfSatisfying(
                            QualityAlert.class,
                            alert -> {
                                assertThat(alert.alertType()).isEqualTo(QualityAlert.MEDIA_GAP);
                                assertThat(alert.state()).isEqualTo(QualityAlert.FIRING);
                            });
        }
    }

    /**
     * Runs {@code plan} with no sample waiting and with the default budget: both write the same,
     * watermark by watermark, and the second reads less than {@code 1 / readsDivisor} of the
     * first's state at the watermarks.
     *
     * @return the run with no sample waiting
     */
    private static Run assertWaitingChangesNothing(long seed, List<Arrival> plan, int readsDivisor)
            throws Exception {
        Run eager = run(plan, 0);
        Run waiting = run(plan, HeldEvents.MAX_WAITING);
        assertThat(eager.written().stream().flatMap(List::stream))
                .as("seed %d writes alerts and rows", seed)
                .hasAtLeastOneElementOfType(QualityAlert.class)
                .hasAtLeastOneElementOfType(SessionQuality.class);
        assertThat(waiting.written()).as("seed %d, per watermark", seed).isEqualTo(eager.written());
        assertThat(waiting.readsAtWatermarks())
                .as("seed %d: the quiet sessions' samples waited", seed)
                .isLessThan(eager.readsAtWatermarks() / readsDivisor);
        return eager;
    }

    /** What a run wrote after each watermark, and the state it read handling the watermarks. */
    private record Run(List<List<Object>> written, long readsAtWatermarks) {}

    /** One step of a run: an event arrives, or (event null) the watermark moves to {@code time}. */
    private record Arrival(CanonicalEvent event, long time) {
        static Arrival of(CanonicalEvent event) {
            return new Arrival(event, event.ts);
        }

        static Arrival watermark(long time) {
            return new Arrival(null, time);
        }
    }

    /** Runs {@code plan} with at most {@code waitingSamples} samples waiting. */
    private static Run run(List<Arrival> plan, int waitingSamples) throws Exception {
        StateAccessCounter counter = StateAccessCounter.forOperator();
        List<List<Object>> written = new ArrayList<>();
        long readsAtWatermarks = 0;
        try (var harness =
                SessionHarness.open(new CountedSessionQuality(counter, waitingSamples))) {
            for (Arrival arrival : plan) {
                if (arrival.event() != null) {
                    send(harness, CanonicalEventSerializer.INSTANCE.copy(arrival.event()));
                    continue;
                }
                long reads = counter.reads();
                harness.processWatermark(new Watermark(arrival.time()));
                readsAtWatermarks += counter.reads() - reads;
                written.add(drained(harness));
            }
        }
        return new Run(written, readsAtWatermarks);
    }

    /** {@code events} in order, each up to 10 s ahead of the watermark, then the end of input. */
    private static List<Arrival> inOrder(List<CanonicalEvent> events, List<Long> watermarks) {
        List<Arrival> plan = new ArrayList<>();
        int next = 0;
        for (long watermark : watermarks) {
            long sendUpTo = watermark == Long.MAX_VALUE ? watermark : watermark + 10_000;
            while (next < events.size() && events.get(next).ts <= sendUpTo) {
                plan.add(Arrival.of(events.get(next++)));
            }
            plan.add(Arrival.watermark(watermark));
        }
        return plan;
    }

    /**
     * {@code events} shuffled within each step of the watermark (up to 10 s ahead of it), one in
     * thirty sent only once a later watermark has passed it, one in ten sent twice at once, one in
     * twenty sent again after a later watermark has passed it; the watermark moves 1 to 9 s at a
     * time, and every fourth time exactly to the time of an event.
     */
    private static List<Arrival> hostile(List<CanonicalEvent> events, SplittableRandom random) {
        List<Arrival> plan = new ArrayList<>();
        List<CanonicalEvent> behindTheWatermark = new ArrayList<>();
        long last = events.get(events.size() - 1).ts;
        int next = 0;
        for (long w = at(0) - 1; ; ) {
            boolean end = w >= last;
            long watermark = end ? Long.MAX_VALUE : w;
            List<CanonicalEvent> step = new ArrayList<>();
            while (next < events.size() && (end || events.get(next).ts <= watermark + 10_000)) {
                step.add(events.get(next++));
            }
            for (int i = step.size() - 1; i > 0; i--) {
                int j = random.nextInt(i + 1);
                CanonicalEvent swapped = step.get(i);
                step.set(i, step.get(j));
                step.set(j, swapped);
            }
            for (CanonicalEvent event : step) {
                if (random.nextInt(30) == 0) {
                    behindTheWatermark.add(event);
                    continue;
                }
                plan.add(Arrival.of(event));
                if (random.nextInt(10) == 0) {
                    plan.add(Arrival.of(event));
                }
                if (random.nextInt(20) == 0) {
                    behindTheWatermark.add(event);
                }
            }
            plan.add(Arrival.watermark(watermark));
            if (end) {
                return plan;
            }
            List<CanonicalEvent> passed =
                    behindTheWatermark.stream().filter(e -> e.ts <= watermark).toList();
            passed.forEach(e -> plan.add(Arrival.of(e)));
            behindTheWatermark.removeAll(passed);
            w += 1_000 * (1 + random.nextInt(9));
            if (random.nextInt(4) == 0 && next < events.size()) {
                w = Math.max(w, events.get(next).ts);
            }
        }
    }

    /** What the operator wrote since the last call, in a fixed order. */
    private static List<Object> drained(
            KeyedOneInputStreamOperatorTestHarness<String, CanonicalEvent, SessionQuality>
                    harness) {
        // Sessions due at one watermark are handed over in no particular order.
        List<Object> written = new ArrayList<>(outputs(harness));
        harness.getOutput().clear();
        var handedOn = harness.getSideOutput(SessionQualityFunction.FIRST_DELIVERIES);
        if (handedOn != null) {
            handedOn.forEach(record -> written.add("handed on " + record.getValue()));
        }
        written.sort(Comparator.comparing(Object::toString));
        for (OutputTag<?> tag :
                List.of(
                        OutputTags.QUALITY_ALERTS,
                        OutputTags.LATE_EVENTS,
                        SessionQualityFunction.FIRST_DELIVERIES)) {
            var side = harness.getSideOutput(tag);
            if (side != null) {
                side.clear();
            }
        }
        return written;
    }

    /** Watermarks 1 to 9 s apart over the events' span, then the end of input. */
    private static List<Long> watermarks(List<CanonicalEvent> events, SplittableRandom random) {
        List<Long> marks = new ArrayList<>();
        long last = events.get(events.size() - 1).ts;
        for (long w = at(0) - 1; w < last; w += 1_000 * (1 + random.nextInt(9))) {
            marks.add(w);
        }
        marks.add(Long.MAX_VALUE);
        return marks;
    }

    /** Eight sessions over a quarter of an hour, in event-time order. */
    private static List<CanonicalEvent> sessions(SplittableRandom random) {
        List<CanonicalEvent> events = new ArrayList<>();
        for (int s = 0; s < 8; s++) {
            String id = "s" + s;
            long start = random.nextInt(60);
            events.add(interaction(id, start, InteractionState.CONNECTED));
            int samples = 40 + random.nextInt(120);
            int streakAt = random.nextInt(samples);
            int streak = random.nextInt(12);
            int gapAt = random.nextInt(samples);
            int gap = random.nextBoolean() ? 3 : 6;
            int holdAt = random.nextInt(samples);
            int downAt = random.nextInt(4) == 0 ? random.nextInt(samples) : -1;
            boolean video = random.nextInt(3) == 0;
            long t = start;
            for (int i = 0; i < samples; i++) {
                t += 5;
                if (i >= gapAt && i < gapAt + gap) {
                    continue;
                }
                if (i == holdAt) {
                    events.add(interaction(id, t, InteractionState.HOLD));
                }
                if (i == holdAt + 5) {
                    events.add(interaction(id, t, InteractionState.UNHOLD));
                }
                boolean degraded = i >= streakAt && i < streakAt + streak;
                CanonicalEvent sample = sample(id, t, degraded ? 2.4 : 4.2);
                if (video) {
                    sample.media = MediaType.VIDEO;
                    sample.bitrateKbps = degraded ? 15.0 : 900.0;
                    sample.mos = null;
                }
                if (downAt >= 0 && (i == downAt || i == downAt + 1)) {
                    sample.peerState = PeerState.DISCONNECTED;
                }
                events.add(sample);
            }
            if (random.nextBoolean()) {
                events.add(interaction(id, t + 1, InteractionState.COMPLETED));
            }
        }
        events.sort(Comparator.comparingLong(e -> e.ts));
        return events;
    }
}
