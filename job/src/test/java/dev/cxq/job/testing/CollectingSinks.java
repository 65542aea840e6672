package dev.cxq.job.testing;

import dev.cxq.job.sink.Column;
import dev.cxq.job.sink.ColumnType;
import dev.cxq.job.sink.CxqSinks;
import dev.cxq.job.sink.CxqTables;
import dev.cxq.job.sink.Table;

import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * Output for topology tests: every write of every table, kept in this JVM (where the MiniCluster
 * runs its tasks) under an id of this instance (one or more runs into the same tables), in the
 * order the writers saw them, each row as its columns by name (timestamps as instants). Writers of
 * all subtasks append to one concurrent queue per table, so any parallelism is safe; {@link
 * InMemoryTables} reads them as the database would hold them. Only the sink methods know {@link
 * CxqSinks}: each is one call to {@link #sink(Table)}.
 */
public final class CollectingSinks implements CxqSinks, AutoCloseable {

    /** Writes by run id, then by table name; each write is the row's columns by name. */
    private static final Map<String, Map<String, Queue<Map<String, Object>>>> WRITES =
            new ConcurrentHashMap<>();

    private final String runId = UUID.randomUUID().toString();

    public CollectingSinks() {
        WRITES.put(runId, new ConcurrentHashMap<>());
    }

    /** The writes of every run into these sinks so far, by table. */
    public InMemoryTables tables() {
        Map<String, Queue<Map<String, Object>>> writes = WRITES.get(runId);
        Map<String, List<Map<String, Object>>> byTable = new LinkedHashMap<>();
        for (Table<?> table : CxqTables.ALL) {
            Queue<Map<String, Object>> rows = writes.get(table.name());
            byTable.put(table.name(), rows == null ? List.of() : List.copyOf(rows));
        }
        return new InMemoryTables(byTable);
    }

    /** Forgets the writes. */
    @Override
    public void close() {
        WRITES.remove(runId);
    }

    /** A sink that appends each row of {@code table} to this run's writes. */
    @Override
    public <T> Sink<T> sink(Table<T> table) {
        return new CollectingSink<>(runId, table);
    }

    private record CollectingSink<T>(String runId, Table<T> table) implements Sink<T> {

        @Override
        public SinkWriter<T> createWriter(WriterInitContext context) {
            Queue<Map<String, Object>> rows =
                    WRITES.get(runId)
                            .computeIfAbsent(table.name(), name -> new ConcurrentLinkedQueue<>());
            return new SinkWriter<>() {
                @Override
                public void write(T row, Context context) {
                    Map<String, Object> columns = new LinkedHashMap<>();
                    for (Column<T> column : table.columns()) {
                        Object value = column.value().apply(row);
                        columns.put(
                                column.name(),
                                column.type() == ColumnType.TIMESTAMPTZ && value != null
                                        ? Instant.ofEpochMilli((Long) value)
                                        : value);
                    }
                    rows.add(columns);
                }

                @Override
                public void flush(boolean endOfInput) {}

                @Override
                public void close() {}
            };
        }
    }
}
