package dev.cxq.job.demo;

import java.util.Comparator;
import java.util.Iterator;
import java.util.PriorityQueue;

/**
 * The events of one source split: the slots {@code s} with {@code s % splits == split}, merged in
 * {@link ScriptedEvent#EMISSION_ORDER}. Together the splits hold every slot exactly once, so the
 * demo's input does not depend on the parallelism.
 */
public final class SplitTimeline {

    private record Head(ScriptedEvent event, Iterator<ScriptedEvent> rest) {}

    private final PriorityQueue<Head> heads =
            new PriorityQueue<>(Comparator.comparing(Head::event, ScriptedEvent.EMISSION_ORDER));

    private long emitted;

    public SplitTimeline(DemoScript script, int split, int splits) {
        for (int slot = split; slot < script.slots(); slot += splits) {
            Iterator<ScriptedEvent> events = script.slot(slot);
            heads.add(new Head(events.next(), events));
        }
    }

    /** Whether the split holds any slot (a split beyond the number of slots holds none). */
    public boolean isEmpty() {
        return heads.isEmpty();
    }

    /** The emission instant of the next event; only when not {@link #isEmpty()}. */
    public long nextEmitAt() {
        return heads.element().event().emitAt();
    }

    public ScriptedEvent next() {
        Head head = heads.remove();
        heads.add(new Head(head.rest().next(), head.rest()));
        emitted++;
        return head.event();
    }

    /** Events handed out so far: the split's position, which a restore skips back to. */
    public long emitted() {
        return emitted;
    }

    /** Skips the first {@code count} events (a restore: the script regenerates them). */
    public SplitTimeline skip(long count) {
        while (emitted < count) {
            next();
        }
        return this;
    }
}
