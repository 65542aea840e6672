package dev.cxq.bench;

import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;

/** Collects rows in a JVM-wide queue per name: the test's MiniCluster runs in its JVM. */
final class CollectingSink<T> implements Sink<T> {

    private static final long serialVersionUID = 1L;

    private static final Map<String, ConcurrentLinkedQueue<Object>> ROWS =
            new ConcurrentHashMap<>();

    private final String name;

    CollectingSink(String name) {
        this.name = name;
        ROWS.put(name, new ConcurrentLinkedQueue<>());
    }

    @SuppressWarnings("unchecked")
    List<T> rows() {
        List<T> rows = new ArrayList<>();
        ROWS.get(name).forEach(row -> rows.add((T) row));
        return rows;
    }

    @Override
    public SinkWriter<T> createWriter(WriterInitContext context) {
        ConcurrentLinkedQueue<Object> rows = ROWS.get(name);
        return new SinkWriter<>() {
            @Override
            public void write(T element, Context context) {
                rows.add(element);
            }

            @Override
            public void flush(boolean endOfInput) {}

            @Override
            public void close() {}
        };
    }
}
