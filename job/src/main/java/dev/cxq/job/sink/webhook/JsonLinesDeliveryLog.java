package dev.cxq.job.sink.webhook;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardOpenOption;
import java.time.Instant;

/**
 * File output of {@code webhook_deliveries}: one JSON line per outcome under {@code
 * <dir>/webhook_deliveries/}, the columns of the table. At least once: a restarted writer appends
 * to its file, so outcomes recorded before a failure stay (a local run clears the directory at
 * start).
 */
public final class JsonLinesDeliveryLog implements DeliveryLog {

    private static final long serialVersionUID = 1L;
    public static final String TABLE = "webhook_deliveries";

    private final String outputDir;

    private transient ObjectMapper mapper;
    private transient BufferedWriter out;

    public JsonLinesDeliveryLog(String outputDir) {
        this.outputDir = outputDir;
    }

    @Override
    public void open(String writerId) throws IOException {
        Path dir = Paths.get(outputDir, TABLE);
        Files.createDirectories(dir);
        mapper = new ObjectMapper();
        out =
                Files.newBufferedWriter(
                        dir.resolve("part-" + writerId + ".jsonl"),
                        StandardCharsets.UTF_8,
                        StandardOpenOption.CREATE,
                        StandardOpenOption.APPEND,
                        StandardOpenOption.WRITE);
    }

    @Override
    public synchronized void record(WebhookMessage message, String endpoint, Long deliveredAt) {
        ObjectNode row = mapper.createObjectNode();
        row.put("incident_key", message.incidentKey());
        row.put("state", message.state());
        row.put("endpoint", endpoint);
        row.put("attempts", message.attempts());
        if (message.lastStatus() < 0) {
            row.putNull("last_status");
        } else {
            row.put("last_status", message.lastStatus());
        }
        row.put(
                "delivered_at",
                deliveredAt == null ? null : Instant.ofEpochMilli(deliveredAt).toString());
        try {
            out.write(row.toString());
            out.newLine();
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public synchronized void close() {
        if (out != null) {
            try {
                out.close();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            out = null;
        }
    }
}
