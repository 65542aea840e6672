package dev.cxq.job.sink;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.Serializable;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * An output table of the contract: its columns, its key and what a second write of the same key
 * does. The JDBC sink and the JSON Lines sink both write rows through this one description, so the
 * two outputs carry the same columns with the same values.
 *
 * @param versioned whether the table has a {@code metric_version} column (added by the sinks)
 * @param firstWriteWins {@code ON CONFLICT DO NOTHING} instead of updating: for audit rows whose
 *     first receipt is the fact (rejected and late events)
 * @param updateCondition SQL condition under which a second write of a key updates the row (the
 *     existing row by table name, the new one as {@code EXCLUDED}), or null to always update: for
 *     rows whose states only move forward, so that a replayed older state never overwrites a newer
 */
public record Table<T>(
        String name,
        List<Column<T>> columns,
        List<String> keyColumns,
        boolean versioned,
        boolean firstWriteWins,
        String updateCondition)
        implements Serializable {

    public Table(
            String name,
            List<Column<T>> columns,
            List<String> keyColumns,
            boolean versioned,
            boolean firstWriteWins) {
        this(name, columns, keyColumns, versioned, firstWriteWins, null);
    }

    static final String METRIC_VERSION = "metric_version";

    /** The idempotent upsert that writes one row. */
    public String upsertSql() {
        List<String> names = columnNames();
        String placeholders =
                columns.stream()
                        .map(c -> c.type() == ColumnType.JSONB ? "CAST(? AS jsonb)" : "?")
                        .collect(Collectors.joining(", "));
        if (versioned) {
            placeholders += ", ?";
        }
        String conflict = " ON CONFLICT (" + String.join(", ", keyColumns) + ") DO ";
        List<String> updated = names.stream().filter(n -> !keyColumns.contains(n)).toList();
        String action =
                firstWriteWins || updated.isEmpty()
                        ? "NOTHING"
                        : "UPDATE SET "
                                + updated.stream()
                                        .map(n -> n + " = EXCLUDED." + n)
                                        .collect(Collectors.joining(", "))
                                + (updateCondition == null ? "" : " WHERE " + updateCondition);
        return "INSERT INTO "
                + name
                + " ("
                + String.join(", ", names)
                + ") VALUES ("
                + placeholders
                + ")"
                + conflict
                + action;
    }

    /** Column names in statement order, {@code metric_version} last when versioned. */
    public List<String> columnNames() {
        Stream<String> names = columns.stream().map(Column::name);
        return versioned
                ? Stream.concat(names, Stream.of(METRIC_VERSION)).toList()
                : names.toList();
    }

    void bind(PreparedStatement statement, T row, int metricVersion) throws SQLException {
        int index = 1;
        for (Column<T> column : columns) {
            Object value = column.value().apply(row);
            if (value == null) {
                statement.setNull(index++, column.type().sqlType);
            } else if (column.type() == ColumnType.TIMESTAMPTZ) {
                statement.setObject(index++, toOffsetDateTime((Long) value));
            } else {
                statement.setObject(index++, value);
            }
        }
        if (versioned) {
            statement.setInt(index, metricVersion);
        }
    }

    ObjectNode toJson(ObjectMapper mapper, T row, int metricVersion) {
        ObjectNode node = mapper.createObjectNode();
        for (Column<T> column : columns) {
            Object value = column.value().apply(row);
            if (value == null) {
                node.putNull(column.name());
            } else {
                node.set(column.name(), jsonValue(mapper, column.type(), value));
            }
        }
        if (versioned) {
            node.put(METRIC_VERSION, metricVersion);
        }
        return node;
    }

    private static JsonNode jsonValue(ObjectMapper mapper, ColumnType type, Object value) {
        return switch (type) {
            case TIMESTAMPTZ ->
                    mapper.getNodeFactory().textNode(Instant.ofEpochMilli((Long) value).toString());
            case JSONB -> {
                try {
                    yield mapper.readTree((String) value);
                } catch (Exception e) {
                    throw new IllegalStateException("row holds invalid JSON: " + value, e);
                }
            }
            default -> mapper.valueToTree(value);
        };
    }

    private static OffsetDateTime toOffsetDateTime(long epochMillis) {
        return Instant.ofEpochMilli(epochMillis).atOffset(ZoneOffset.UTC);
    }
}
