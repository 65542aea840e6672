package dev.cxq.udf.session;

import dev.cxq.udf.model.CanonicalEvent;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static dev.cxq.udf.testing.Events.at;
import static dev.cxq.udf.testing.Events.sample;
import static org.assertj.core.api.Assertions.assertThat;

/** When a session's held events are due, with and without its samples waiting for its horizon. */
class HeldEventsTest {

    private static final long SPAN = 15_000;

    @Test
    void aSessionThatIsNotQuietIsDueAtItsEarliestEvent() {
        HeldEvents held = new HeldEvents(true, event -> true, HeldEvents.MAX_WAITING);
        held.handedOver("s", null, 0, List.of());
        held.hold("s", sample("s", 10));
        assertThat(held.nextDue(at(10) - 1)).isNull();
        assertThat(held.nextDue(at(10))).isEqualTo("s");
    }

    @Test
    void quietSamplesWaitForTheHorizonTheyMove() {
        HeldEvents held = new HeldEvents(true, event -> true, HeldEvents.MAX_WAITING);
        held.handedOver("s", at(15), SPAN, List.of());
        held.hold("s", sample("s", 5));
        held.hold("s", sample("s", 10));
        // The latest waiting sample plus the span.
        assertThat(held.nextDue(at(24))).isNull();
        assertThat(held.deferredPast("s", at(15))).isTrue();
        assertThat(held.nextDue(at(25))).isEqualTo("s");
        assertThat(held.take("s")).hasSize(2);
    }

    /**
     * The first waiting sample replaces the hand-over's horizon, even a later one: the inactivity
     * deadline of a session that had no sample yet.
     */
    @Test
    void theFirstWaitingSampleSetsTheHorizonFromItsOwnTime() {
        HeldEvents held = new HeldEvents(true, event -> true, HeldEvents.MAX_WAITING);
        held.handedOver("s", at(1_800), SPAN, List.of());
        held.hold("s", sample("s", 5));
        assertThat(held.nextDue(at(19))).isNull();
        assertThat(held.nextDue(at(20))).isEqualTo("s");
    }

    @Test
    void aSampleThatIsNotQuietIsDueAtItsOwnTime() {
        HeldEvents held = new HeldEvents(true, event -> event.mos > 3.5, HeldEvents.MAX_WAITING);
        held.handedOver("s", at(15), SPAN, List.of());
        held.hold("s", sample("s", 5));
        held.hold("s", sample("s", 10, 2.0));
        assertThat(held.nextDue(at(9))).isNull();
        assertThat(held.deferredPast("s", at(9))).isTrue();
        assertThat(held.nextDue(at(10))).isEqualTo("s");
        assertThat(held.deferredPast("s", at(10))).isFalse();
    }

    @Test
    void atMostMaxDeferredSamplesOfOneSessionWait() {
        HeldEvents held = new HeldEvents(true, event -> true, HeldEvents.MAX_WAITING);
        held.handedOver("s", at(15), SPAN, List.of());
        long t = 0;
        for (int i = 0; i < HeldEvents.MAX_DEFERRED; i++) {
            held.hold("s", sample("s", t += 5));
        }
        assertThat(held.nextDue(at(t))).isNull();
        held.hold("s", sample("s", t += 5));
        assertThat(held.nextDue(at(t))).isEqualTo("s");
    }

    /** The budget of waiting samples is the subtask's: beyond it, no session's samples wait. */
    @Test
    void beyondTheWaitingBudgetSamplesAreDueAtTheirOwnTime() {
        HeldEvents held = new HeldEvents(true, event -> true, 3);
        for (String key : List.of("a", "b", "c", "d")) {
            held.handedOver(key, at(15), SPAN, List.of());
            held.hold(key, sample(key, 5));
        }
        assertThat(dueAt(held, at(5))).containsExactly("d");
        List<CanonicalEvent> taken = held.take("a");
        held.handedOver("a", at(20), SPAN, List.of());
        assertThat(taken).hasSize(1);
        // Taking a's sample freed its place in the budget.
        held.handedOver("e", at(15), SPAN, List.of());
        held.hold("e", sample("e", 6));
        assertThat(dueAt(held, at(6))).isEmpty();
    }

    @Test
    void aCheckpointKeepsEveryHeldEventAndTheHorizons() {
        HeldEvents held = new HeldEvents(true, event -> true, HeldEvents.MAX_WAITING);
        held.handedOver("s", at(15), SPAN, List.of());
        held.hold("s", sample("s", 5));
        held.hold("t", sample("t", 7));
        assertThat(held.bySession()).containsOnlyKeys("s", "t");
        assertThat(held.nextDue(at(19))).isEqualTo("t");
        assertThat(held.nextDue(at(19))).isNull();
        assertThat(held.nextDue(at(20))).isEqualTo("s");
    }

    /**
     * Many sessions, not quiet, held at random times, some handed over, emptied and held again
     * later: each watermark hands over exactly the sessions whose earliest held event it passed, in
     * the order of that event, each once.
     */
    @Test
    void sessionsAreDueInTheOrderOfTheirEarliestEventEachOnce() {
        Random random = new Random(17);
        HeldEvents held = new HeldEvents(true, event -> false, HeldEvents.MAX_WAITING);
        Map<String, Long> earliest = new HashMap<>();
        for (int round = 0; round < 20; round++) {
            long watermark = at(100L * (round + 1));
            for (int n = 0; n < 300; n++) {
                String key = "s" + random.nextInt(500);
                long seconds = 100L * round + random.nextInt(150);
                held.hold(key, sample(key, seconds));
                earliest.merge(key, at(seconds), Math::min);
            }
            List<String> expected =
                    earliest.entrySet().stream()
                            .filter(entry -> entry.getValue() <= watermark)
                            .map(Map.Entry::getKey)
                            .toList();
            List<String> due = new ArrayList<>();
            List<Long> times = new ArrayList<>();
            String next;
            while ((next = held.nextDue(watermark)) != null) {
                String key = next;
                due.add(key);
                times.add(earliest.remove(key));
                List<CanonicalEvent> notDue =
                        held.take(key).stream().filter(event -> event.ts > watermark).toList();
                notDue.forEach(event -> earliest.merge(key, event.ts, Math::min));
                held.handedOver(key, null, 0, notDue);
            }
            assertThat(due).containsExactlyInAnyOrderElementsOf(expected);
            assertThat(times).isSorted();
        }
    }

    private static List<String> dueAt(HeldEvents held, long watermark) {
        List<String> due = new ArrayList<>();
        for (String key = held.nextDue(watermark); key != null; key = held.nextDue(watermark)) {
            due.add(key);
            held.take(key);
        }
        return due;
    }
}
