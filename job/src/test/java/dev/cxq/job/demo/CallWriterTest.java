package dev.cxq.job.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

/** A call plan written as events: lifecycle, samples on the grid, disorder, recording status. */
class CallWriterTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long T0 = 1_700_000_000_000L;

    private final CallWriter writer = new CallWriter(3, "agent-0003", "Europe/Berlin", T0, 30);

    private List<ScriptedEvent> write(CallPlan plan) {
        List<ScriptedEvent> events = new ArrayList<>();
        writer.write("s-1", new SplittableRandom(5), plan, events::add);
        return events;
    }

    private static List<String> kinds(List<ScriptedEvent> events, String kind) throws Exception {
        List<String> out = new ArrayList<>();
        for (ScriptedEvent e : events) {
            JsonNode node = JSON.readTree(e.payload());
            if (node.path("kind").asText().equals(kind)) {
                out.add(node.path(kind.equals("interaction") ? "state" : "status").asText());
            }
        }
        return out;
    }

    private static CallPlan call() {
        CallPlan c = CallPlan.withAgent(new SplittableRandom(1), 30);
        c.connectedAt = T0;
        c.talkEnd = T0 + 60_000;
        c.completedAt = T0 + 65_000;
        c.recordingRequired = true;
        c.upload = CallPlan.Upload.LATE;
        c.uploadDelay = 30_000;
        return c;
    }

    @Test
    void aCallWithAnAgentSendsASampleEvery5sWhileConnectedAndItsRecordingStatuses()
            throws Exception {
        CallPlan c = call();
        c.gapFrom = T0 + 20_000;
        c.gapTo = T0 + 35_000;
        List<ScriptedEvent> events = write(c);

        assertThat(kinds(events, "interaction"))
                .containsSubsequence("connected", "wrapup", "completed");
        List<Long> sampleTimes =
                events.stream()
                        .filter(e -> e.payload().contains("\"media_sample\""))
                        .map(ScriptedEvent::ts)
                        .toList();
        // On the grid from T0 + 5 s (the first after connected + 1 s), none in the media gap.
        assertThat(sampleTimes)
                .containsExactly(
                        T0 + 5_000,
                        T0 + 10_000,
                        T0 + 15_000,
                        T0 + 35_000,
                        T0 + 40_000,
                        T0 + 45_000,
                        T0 + 50_000,
                        T0 + 55_000);
        assertThat(kinds(events, "recording")).containsExactly("pending", "uploaded");
        assertThat(events).allSatisfy(e -> assertThat(e.slot()).isEqualTo(3));
        assertThat(events)
                .extracting(ScriptedEvent::seq)
                .as("sequence numbers per slot, in generation order")
                .doesNotHaveDuplicates();
    }

    @Test
    void theStragglerIsDeliveredBehindTheWatermarkBound() {
        CallPlan c = call();
        c.stragglerAt = T0 + 15_000;
        assertThat(write(c))
                .filteredOn(e -> e.ts() == T0 + 15_000)
                .singleElement()
                .satisfies(
                        e ->
                                assertThat(e.emitAt() - e.ts())
                                        .isEqualTo(CallWriter.STRAGGLER_DELAY_MS));
    }

    @Test
    void anIvrOnlyCallHasNoAgentNoMediaAndNoRecording() throws Exception {
        List<ScriptedEvent> events = write(CallPlan.ivrOnly(T0, T0 + 20_000, "IVR_SELF_SERVICE"));
        assertThat(kinds(events, "interaction")).containsOnly("ivr", "completed");
        assertThat(events).noneSatisfy(e -> assertThat(e.payload()).contains("agent_id"));
    }

    @Test
    void sequenceNumbersContinueAcrossTheCallsOfASlot() {
        List<ScriptedEvent> first = write(call());
        List<ScriptedEvent> second = write(call());
        long lastOfFirst = first.stream().mapToLong(ScriptedEvent::seq).max().orElseThrow();
        assertThat(second.stream().mapToLong(ScriptedEvent::seq).min().orElseThrow())
                .isEqualTo(lastOfFirst + 1);
    }
}
