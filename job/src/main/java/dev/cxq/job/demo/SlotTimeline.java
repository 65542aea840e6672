package dev.cxq.job.demo;

import java.util.Iterator;
import java.util.PriorityQueue;
import java.util.SplittableRandom;

/**
 * The events of one slot, without end, in {@link ScriptedEvent#EMISSION_ORDER}: its calls one after
 * the other (the first one scripted for slots below {@link DemoScript#SCRIPTED_SLOTS}, the others
 * drawn by {@link RandomCalls}), written by its {@link CallWriter}. Calls are generated as the
 * emission reaches them, each from its own random stream.
 */
final class SlotTimeline implements Iterator<ScriptedEvent> {

    private final DemoScript script;
    private final int slot;
    private final RandomCalls calls;
    private final CallWriter writer;
    private final PriorityQueue<ScriptedEvent> queue =
            new PriorityQueue<>(ScriptedEvent.EMISSION_ORDER);
    private int callIndex;
    private long nextCallStart;

    SlotTimeline(DemoScript script, int slot) {
        this.script = script;
        this.slot = slot;
        this.calls = new RandomCalls(script.originMs(), script.customers());
        long phase = (slot * 997L) % DemoScript.SAMPLE_INTERVAL_MS;
        this.writer =
                new CallWriter(
                        slot,
                        DemoScript.agentId(slot),
                        script.zoneOf(slot),
                        script.originMs() + phase,
                        script.customers());
        this.nextCallStart = script.originMs();
    }

    @Override
    public boolean hasNext() {
        return true;
    }

    @Override
    public ScriptedEvent next() {
        // Every event of a call is emitted at or after the call's start.
        while (queue.isEmpty() || queue.peek().emitAt() >= nextCallStart) {
            generateCall();
        }
        return queue.poll();
    }

    private void generateCall() {
        SplittableRandom r = script.callRandom(slot, callIndex);
        CallPlan plan =
                callIndex == 0 && slot < DemoScript.SCRIPTED_SLOTS
                        ? ScriptedIncident.ofSlot(slot)
                                .plan(r, script.originMs(), script.customers())
                        : calls.next(r, nextCallStart, callIndex == 0);
        long end = writer.write(script.sessionId(slot, callIndex), r, plan, queue::add);
        nextCallStart = end + RandomCalls.pause(r);
        callIndex++;
    }
}
