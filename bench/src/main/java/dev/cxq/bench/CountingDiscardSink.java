package dev.cxq.bench;

import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * Drops every row and counts it under its table name, in a JVM-wide registry read by the benchmark
 * after the job (the local cluster runs in the same JVM).
 */
public final class CountingDiscardSink<T> implements Sink<T> {

    private static final long serialVersionUID = 1L;

    private static final Map<String, LongAdder> COUNTS = new ConcurrentHashMap<>();

    private final String table;

    public CountingDiscardSink(String table) {
        this.table = table;
    }

    @Override
    public SinkWriter<T> createWriter(WriterInitContext context) {
        LongAdder count = COUNTS.computeIfAbsent(table, t -> new LongAdder());
        return new SinkWriter<>() {
            @Override
            public void write(T element, Context context) {
                count.increment();
            }

            @Override
            public void flush(boolean endOfInput) {}

            @Override
            public void close() {}
        };
    }

    /** Rows per table since the last {@link #reset()}. */
    public static Map<String, Long> counts() {
        Map<String, Long> counts = new TreeMap<>();
        COUNTS.forEach((table, count) -> counts.put(table, count.sum()));
        return counts;
    }

    public static void reset() {
        COUNTS.clear();
    }
}
