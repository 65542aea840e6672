package dev.cxq.job.testing;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Interaction scenarios for two agents, as canonical JSON Lines: transitions with hold, platform
 * metrics, a failed recording, uploads three hours late, a missing recording, IVR self-service, a
 * call outside business hours in the agent's zone, an abandoned call in queue, a silent (partial)
 * interaction, a callback within 24 h, and a recording that arrives after the SLA.
 */
public final class InteractionInputs {

    private InteractionInputs() {}

    /**
     * 2026-03-09T15:00:00Z: 11:00 in New York (inside business hours), 00:00 in Tokyo (outside);
     * after the sessions of {@link ReplayInputs#writeMixed}, so both can share one file.
     */
    public static final Instant T = Instant.parse("2026-03-09T15:00:00Z");

    private static final long HOUR = 3600;
    private static final ObjectMapper MAPPER = new ObjectMapper();

    /** Appends the scenarios to {@code file} (created if missing), in event-time order. */
    public static void append(Path file) throws IOException {
        List<String> lines = new ArrayList<>();
        // agent-a, New York, queue q-sales.
        lines.add(step("a1", 0, "queued", "agent-a", "q-sales", "c1", true, "America/New_York"));
        lines.add(step("a1", 30, "connected", "agent-a", "q-sales", null, null, null));
        lines.add(step("a1", 90, "hold", "agent-a", "q-sales", null, null, null));
        lines.add(step("a1", 150, "unhold", "agent-a", "q-sales", null, null, null));
        lines.add(step("a1", 240, "wrapup", "agent-a", "q-sales", null, null, null));
        lines.add(step("a1", 270, "completed", "agent-a", "q-sales", null, null, null));
        lines.add(recording("a1", 300, "uploaded"));

        lines.add(step("a2", 300, "connected", "agent-a", "q-sales", "c2", true, null));
        lines.add(step("a2", 420, "completed", "agent-a", "q-sales", null, null, null));
        lines.add(recording("a2", 480, "failed"));
        // After a2's state is gone (SLA 4 h): cannot be attributed, goes to late_events.
        lines.add(recording("a2", 420 + 5 * HOUR, "uploaded"));

        // A callback of customer c1: a1's first-contact resolution is 0. Platform metrics win.
        lines.add(step("a3", 600, "connected", "agent-a", "q-sales", "c1", true, null));
        ObjectNode a3End = event("a3", 780, "completed", "agent-a", "q-sales");
        a3End.putObject("metrics").put("talk_ms", 150_000).put("hold_ms", 0).put("wrap_ms", 20_000);
        lines.add(a3End.toString());
        lines.add(recording("a3", 780 + 60, "pending"));
        lines.add(recording("a3", 780 + 3 * HOUR, "uploaded"));

        lines.add(step("a4", 1000, "ivr", "agent-a", "q-sales", "c4", false, null));
        ObjectNode a4End = event("a4", 1100, "completed", "agent-a", "q-sales");
        a4End.put("disposition", "IVR_SELF_SERVICE");
        lines.add(a4End.toString());

        // agent-b, default zone (UTC), queue q-support.
        lines.add(step("b1", 60, "queued", "agent-b", "q-support", "c3", true, null));
        lines.add(step("b1", 120, "connected", "agent-b", "q-support", null, null, null));
        lines.add(step("b1", 400, "completed", "agent-b", "q-support", null, null, null));

        lines.add(step("b2", 500, "queued", null, "q-support", "c5", null, null));
        lines.add(step("b2", 560, "abandoned", null, "q-support", null, null, null));

        lines.add(step("b3", 700, "connected", "agent-b", "q-support", "c6", true, null));
        lines.add(step("b3", 1000, "completed", "agent-b", "q-support", null, null, null));
        lines.add(recording("b3", 1000 + 60, "started"));
        lines.add(recording("b3", 1000 + 3 * HOUR, "uploaded"));

        lines.add(step("b4", 1200, "connected", "agent-b", "q-support", "c7", false, "Asia/Tokyo"));
        lines.add(step("b4", 1500, "completed", "agent-b", "q-support", null, null, null));

        lines.add(step("b5", 1600, "connected", "agent-b", "q-support", "c8", false, null));

        // In event-time order: the late uploads come hours after the rest, as they would live.
        lines.sort(Comparator.comparing(InteractionInputs::ts));
        try (Writer w =
                Files.newBufferedWriter(
                        file,
                        StandardCharsets.UTF_8,
                        StandardOpenOption.CREATE,
                        StandardOpenOption.APPEND)) {
            for (String line : lines) {
                w.write(line);
                w.write('\n');
            }
        }
    }

    private static ObjectNode event(
            String session, long seconds, String state, String agent, String queue) {
        ObjectNode node = MAPPER.createObjectNode();
        node.put("event_id", session + "-" + state + "-" + seconds);
        node.put("kind", "interaction");
        node.put("session_id", session);
        node.put("ts", T.plusSeconds(seconds).toString());
        node.put("state", state);
        if (agent != null) {
            node.put("agent_id", agent);
        }
        node.put("queue_id", queue);
        return node;
    }

    private static String step(
            String session,
            long seconds,
            String state,
            String agent,
            String queue,
            String customer,
            Boolean recordingRequired,
            String zone) {
        ObjectNode node = event(session, seconds, state, agent, queue);
        if (customer != null) {
            node.put("customer_id", customer);
        }
        if (recordingRequired != null) {
            node.put("recording_required", recordingRequired);
        }
        if (zone != null) {
            node.put("agent_timezone", zone);
        }
        return node.toString();
    }

    private static String recording(String session, long seconds, String status) {
        ObjectNode node = MAPPER.createObjectNode();
        node.put("event_id", session + "-rec-" + status + "-" + seconds);
        node.put("kind", "recording");
        node.put("session_id", session);
        node.put("ts", T.plusSeconds(seconds).toString());
        node.put("recording_id", "rec-" + session);
        node.put("media", "screen");
        node.put("status", status);
        return node.toString();
    }

    private static String ts(String line) {
        try {
            return MAPPER.readTree(line).get("ts").asText();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
