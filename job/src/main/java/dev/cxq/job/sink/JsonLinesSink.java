package dev.cxq.job.sink;

import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;

import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;

/**
 * Writes the rows of one table as JSON Lines to {@code <dir>/<table>/part-<subtask>.jsonl}.
 *
 * <p>Guarantee: at-least-once, for local replays and demos. Each attempt rewrites its part file
 * from the start; lines are flushed on every checkpoint and at the end of input.
 */
public final class JsonLinesSink<T> implements Sink<T> {

    private static final long serialVersionUID = 1L;

    private final String outputDir;
    private final Table<T> table;
    private final int metricVersion;

    public JsonLinesSink(String outputDir, Table<T> table, int metricVersion) {
        this.outputDir = outputDir;
        this.table = table;
        this.metricVersion = metricVersion;
    }

    @Override
    public SinkWriter<T> createWriter(WriterInitContext context) throws IOException {
        Path dir = Paths.get(outputDir, table.name());
        Files.createDirectories(dir);
        Path file = dir.resolve("part-" + context.getTaskInfo().getIndexOfThisSubtask() + ".jsonl");
        return new Writer<>(
                Files.newBufferedWriter(file, StandardCharsets.UTF_8), table, metricVersion);
    }

    private static final class Writer<T> implements SinkWriter<T> {

        private final ObjectMapper mapper = new ObjectMapper();
        private final BufferedWriter out;
        private final Table<T> table;
        private final int metricVersion;

        Writer(BufferedWriter out, Table<T> table, int metricVersion) {
            this.out = out;
            this.table = table;
            this.metricVersion = metricVersion;
        }

        @Override
        public void write(T row, Context context) throws IOException {
            out.write(mapper.writeValueAsString(table.toJson(mapper, row, metricVersion)));
            out.newLine();
        }

        @Override
        public void flush(boolean endOfInput) throws IOException {
            out.flush();
        }

        @Override
        public void close() throws IOException {
            out.close();
        }
    }
}
