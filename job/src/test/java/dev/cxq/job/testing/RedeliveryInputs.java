package dev.cxq.job.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Random;

/**
 * A clean delivery and a redelivery storm of the same events, in canonical and platform shapes, for
 * the dedup tests: the storm must leave the tables of the clean delivery.
 */
public final class RedeliveryInputs {

    private RedeliveryInputs() {}

    /** Genesys events of conversation {@code g-1}: raw notifications. */
    public static final List<String> GENESYS =
            List.of(
                    genesys("customer.start", 1773064800000L, ",\"externalContactId\":\"ec-1\""),
                    genesys("user.start", 1773064810000L, ",\"userId\":\"u-1\""),
                    genesys(
                            "user.end",
                            1773064900000L,
                            ",\"userId\":\"u-1\",\"interactingDurationMs\":80000,"
                                    + "\"heldDurationMs\":10000"),
                    genesys(
                            "acw",
                            1773064930000L,
                            ",\"userId\":\"u-1\",\"wrapupCode\":\"wc-7\",\"wrapupDurationMs\":30000"));

    /** A NICE contact and two call-quality records of it. */
    static final List<String> NICE =
            List.of(
                    "{\"contactId\":900001,\"contactStart\":\"2026-03-09T14:00:00Z\",\"agentId\":41,"
                            + "\"skillId\":7,\"mediaTypeName\":\"Call\",\"inQueueSeconds\":20,"
                            + "\"agentSeconds\":120,\"holdSeconds\":0,\"ACWSeconds\":30,"
                            + "\"abandoned\":false,\"primaryDispositionId\":3}",
                    "{\"contactId\":900001,\"agentId\":41,\"timestamp\":\"2026-03-09T14:00:40Z\","
                            + "\"jitter\":12,\"packetLoss\":0.4,\"latency\":60}",
                    "{\"contactId\":900001,\"agentId\":41,\"timestamp\":\"2026-03-09T14:01:40Z\","
                            + "\"jitter\":45,\"packetLoss\":4.5,\"latency\":210}");

    /**
     * Writes the clean delivery: {@link ReplayInputs#writeMixed} plus the platform events, each
     * once, all in event-time order (as a platform delivers them), so that no event is late however
     * the watermarks happen to advance.
     */
    public static void writeClean(Path file, int sessions, int samples) throws IOException {
        ReplayInputs.writeMixed(file, sessions, samples);
        List<String> lines = new ArrayList<>(Files.readAllLines(file, StandardCharsets.UTF_8));
        lines.addAll(GENESYS);
        lines.addAll(NICE);
        Files.write(file, inEventTimeOrder(lines), StandardCharsets.UTF_8);
    }

    /** Stable sort by each line's event time; a line without one keeps its predecessor's. */
    private static List<String> inEventTimeOrder(List<String> lines) {
        ObjectMapper json = new ObjectMapper();
        List<long[]> keyed = new ArrayList<>();
        long previous = Long.MIN_VALUE;
        for (int i = 0; i < lines.size(); i++) {
            previous = eventTime(json, lines.get(i), previous);
            keyed.add(new long[] {previous, i});
        }
        keyed.sort(Comparator.<long[]>comparingLong(k -> k[0]).thenComparingLong(k -> k[1]));
        List<String> sorted = new ArrayList<>();
        for (long[] k : keyed) {
            sorted.add(lines.get((int) k[1]));
        }
        return sorted;
    }

    /** {@code ts} (canonical), {@code eventBody.eventTime} (Genesys), or the NICE times. */
    private static long eventTime(ObjectMapper json, String line, long fallback) {
        try {
            JsonNode node = json.readTree(line);
            if (node.hasNonNull("ts")) {
                return Instant.parse(node.get("ts").asText()).toEpochMilli();
            }
            if (node.has("eventBody")) {
                return node.get("eventBody").get("eventTime").asLong();
            }
            for (String field : List.of("contactStart", "timestamp")) {
                if (node.hasNonNull(field)) {
                    return Instant.parse(node.get(field).asText()).toEpochMilli();
                }
            }
            return fallback;
        } catch (Exception notAnEvent) {
            return fallback;
        }
    }

    /**
     * Writes the storm: the clean delivery, then every valid event again in shuffled order — the
     * Genesys ones in the EventBridge envelope, as a second integration path would deliver them —
     * then a third copy of a quarter of them. The replays come after their sessions ended.
     */
    public static void writeStorm(Path clean, Path storm) throws IOException {
        List<String> lines = new ArrayList<>(Files.readAllLines(clean, StandardCharsets.UTF_8));
        List<String> valid = new ArrayList<>();
        for (String line : lines) {
            if (!isBad(line) && !GENESYS.contains(line)) {
                valid.add(line);
            }
        }
        for (String notification : GENESYS) {
            valid.add(inEventBridgeEnvelope(notification));
        }
        Random random = new Random(7);
        Collections.shuffle(valid, random);
        lines.addAll(valid);
        lines.addAll(valid.subList(0, valid.size() / 4));
        Files.write(storm, lines, StandardCharsets.UTF_8);
    }

    private static boolean isBad(String line) {
        return ReplayInputs.BAD_LINES.stream().anyMatch(bad -> bad[0].equals(line));
    }

    private static String genesys(String suffix, long eventTime, String fields) {
        String topic = "v2.detail.events.conversation.g-1." + suffix;
        return "{\"topicName\":\""
                + topic
                + "\",\"version\":\"2\",\"eventBody\":{\"eventTime\":"
                + eventTime
                + ",\"conversationId\":\"g-1\",\"mediaType\":\"VOICE\",\"queueId\":\"q-g\""
                + fields
                + "},\"metadata\":{\"CorrelationId\":\"c-"
                + suffix
                + "\"}}";
    }

    private static String inEventBridgeEnvelope(String notification) {
        String topic = notification.substring(14, notification.indexOf('"', 14));
        return "{\"version\":\"0\",\"id\":\"eb-"
                + topic.hashCode()
                + "\",\"detail-type\":\""
                + topic
                + "\",\"source\":\"aws.partner/genesys.com/cloud/org-1/cxq\","
                + "\"time\":\"2026-03-09T15:00:00Z\",\"detail\":"
                + notification
                + "}";
    }
}
