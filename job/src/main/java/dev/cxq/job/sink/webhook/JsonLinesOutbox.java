package dev.cxq.job.sink.webhook;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The outbox of a run without a database: the finished {@code part-*} files the job wrote under
 * {@code <output>/webhook_outbox/} (a file is finished once its checkpoint completed, or at the end
 * of a bounded input, and never changes after), and the outcomes appended to {@code
 * <output>/webhook_deliveries/part-<endpoint>.jsonl}, one line per call with the columns of the
 * table; per key, its last line is its row. Read by one worker per endpoint in one process.
 */
final class JsonLinesOutbox implements Outbox {

    private final ObjectMapper mapper = new ObjectMapper();
    private final Path outbox;
    private final Path deliveries;
    private final String endpoint;

    /** The transitions of each finished part file, read once. */
    private final Map<Path, List<WebhookMessage>> files = new HashMap<>();

    /** Idempotency keys the endpoint settled, and calls made per key. */
    private final Set<String> settled = new HashSet<>();

    private final Map<String, Integer> attempts = new HashMap<>();

    private BufferedWriter out;

    JsonLinesOutbox(Path outputDir, String endpoint) throws IOException {
        this.outbox = outputDir.resolve(WebhookDeliveries.OUTBOX_TABLE);
        this.deliveries = outputDir.resolve(WebhookDeliveries.DELIVERIES_TABLE);
        this.endpoint = endpoint;
        readOutcomes();
    }

    private void readOutcomes() throws IOException {
        if (!Files.isDirectory(deliveries)) {
            return;
        }
        for (Path file : partFiles(deliveries)) {
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                JsonNode row = mapper.readTree(line);
                if (!endpoint.equals(row.path("endpoint").asText())) {
                    continue;
                }
                String key = row.path("incident_key").asText() + ":" + row.path("state").asText();
                attempts.put(key, row.path("attempts").asInt());
                if (!row.path("delivered_at").isNull() || !row.path("refused_at").isNull()) {
                    settled.add(key);
                }
            }
        }
    }

    /** The finished part files under {@code dir}; hidden in-progress files are not finished. */
    private static List<Path> partFiles(Path dir) throws IOException {
        try (Stream<Path> walk = Files.walk(dir)) {
            return walk.filter(Files::isRegularFile)
                    .filter(p -> p.getFileName().toString().startsWith("part"))
                    .sorted()
                    .toList();
        }
    }

    @Override
    public boolean claim() {
        return true;
    }

    @Override
    public List<WebhookMessage> pending(int limit) throws IOException {
        Map<String, WebhookMessage> unsettled = new LinkedHashMap<>();
        if (Files.isDirectory(outbox)) {
            for (Path file : partFiles(outbox)) {
                if (!files.containsKey(file)) {
                    files.put(file, read(file));
                }
                for (WebhookMessage message : files.get(file)) {
                    if (!settled.contains(message.idempotencyKey())) {
                        unsettled.putIfAbsent(message.idempotencyKey(), message);
                    }
                }
            }
        }
        return unsettled.values().stream()
                .sorted(
                        Comparator.comparingLong(WebhookMessage::eventTimeMillis)
                                .thenComparing(WebhookMessage::idempotencyKey))
                .limit(limit)
                .toList();
    }

    private List<WebhookMessage> read(Path file) throws IOException {
        List<WebhookMessage> messages = new ArrayList<>();
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            JsonNode row = mapper.readTree(line);
            messages.add(
                    new WebhookMessage(
                            row.path("incident_key").asText(),
                            row.path("state").asText(),
                            Instant.parse(row.path("event_time").asText()).toEpochMilli(),
                            row.path("body").asText()));
        }
        return messages;
    }

    @Override
    public Backlog backlog() throws IOException {
        List<WebhookMessage> pending = pending(Integer.MAX_VALUE);
        return new Backlog(
                pending.size(), pending.isEmpty() ? null : pending.get(0).eventTimeMillis());
    }

    @Override
    public void record(WebhookMessage message, int status, Outcome outcome) throws IOException {
        String key = message.idempotencyKey();
        if (settled.contains(key)) {
            return;
        }
        int calls = attempts.merge(key, 1, Integer::sum);
        String now = Instant.now().toString();
        ObjectNode row = mapper.createObjectNode();
        row.put("incident_key", message.incidentKey());
        row.put("state", message.state());
        row.put("endpoint", endpoint);
        row.put("attempts", calls);
        if (status < 0) {
            row.putNull("last_status");
        } else {
            row.put("last_status", status);
        }
        row.put("delivered_at", outcome == Outcome.DELIVERED ? now : null);
        row.put("refused_at", outcome == Outcome.REFUSED ? now : null);
        if (outcome != Outcome.FAILED) {
            settled.add(key);
        }
        if (out == null) {
            Files.createDirectories(deliveries);
            out =
                    Files.newBufferedWriter(
                            deliveries.resolve("part-" + endpoint + ".jsonl"),
                            StandardCharsets.UTF_8,
                            StandardOpenOption.CREATE,
                            StandardOpenOption.APPEND,
                            StandardOpenOption.WRITE);
        }
        out.write(row.toString());
        out.newLine();
        out.flush();
    }

    @Override
    public void close() throws IOException {
        if (out != null) {
            out.close();
            out = null;
        }
    }
}
