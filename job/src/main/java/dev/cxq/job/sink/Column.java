package dev.cxq.job.sink;

import org.apache.flink.util.function.SerializableFunction;

import java.io.Serializable;

/** One column of an output table and how to read its value from a row. */
public record Column<T>(String name, ColumnType type, SerializableFunction<T, Object> value)
        implements Serializable {

    public static <T> Column<T> of(
            String name, ColumnType type, SerializableFunction<T, Object> value) {
        return new Column<>(name, type, value);
    }
}
