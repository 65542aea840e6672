package dev.cxq.job.differential;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;

import java.math.BigDecimal;
import java.math.MathContext;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The output tables of one run in a normalized form that two runs, or a run and the oracle, can be
 * compared in: table, then the row's contract key, then column, each value as text. Doubles keep
 * nine significant digits (the oracle may add in another order than the job), timestamps are UTC
 * instants, JSON is re-written with sorted keys. SQL NULL is {@code null}.
 */
public final class TableDump {

    /** The contract's primary key of every output table, in key order. */
    public static final Map<String, List<String>> KEYS = keys();

    /**
     * Output tables left out of every comparison on purpose, with the reason; every other table of
     * {@code CxqTables.ALL} is in {@link #KEYS} ({@code ComparedTablesTest}).
     */
    public static final Map<String, String> NOT_COMPARED =
            Map.of(
                    "pipeline_status",
                    "wall-clock based (docs/design.md, \"pipeline_status\"): its rows are the"
                            + " minutes during which a run happened to read its input, different in"
                            + " every run and absent from batch runs; no oracle can compute them");

    private static final ObjectMapper JSON =
            JsonMapper.builder().enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS).build();

    private static final MathContext DIGITS = new MathContext(9);

    private final SortedMap<String, SortedMap<String, SortedMap<String, String>>> tables =
            new TreeMap<>();

    public TableDump() {
        KEYS.keySet().forEach(table -> tables.put(table, new TreeMap<>()));
    }

    /** Adds one row; a second row with the same key is a bug of the run that wrote it. */
    public void put(String table, Map<String, ?> row) {
        List<String> keyColumns = KEYS.get(table);
        if (keyColumns == null) {
            throw new IllegalArgumentException("not an output table: " + table);
        }
        SortedMap<String, String> values = new TreeMap<>();
        row.forEach((column, value) -> values.put(column, normalize(value)));
        List<String> key = new ArrayList<>();
        for (String column : keyColumns) {
            if (!values.containsKey(column)) {
                throw new IllegalArgumentException(table + " row without key column " + column);
            }
            key.add(values.get(column));
        }
        String rowKey = String.join("|", key);
        if (tables.get(table).putIfAbsent(rowKey, values) != null) {
            throw new IllegalStateException("two rows of " + table + " with key " + rowKey);
        }
    }

    /** The rows of {@code table} by key. */
    public SortedMap<String, SortedMap<String, String>> rows(String table) {
        return Collections.unmodifiableSortedMap(tables.get(table));
    }

    /** A copy without {@code columns} (wall-clock or attempt counts that runs may differ in). */
    public TableDump withoutColumns(Set<String> columns) {
        TableDump copy = new TableDump();
        tables.forEach(
                (table, rows) ->
                        rows.forEach(
                                (key, values) -> {
                                    SortedMap<String, String> kept = new TreeMap<>(values);
                                    kept.keySet().removeAll(columns);
                                    copy.tables.get(table).put(key, kept);
                                }));
        return copy;
    }

    /** A copy holding only {@code kept} tables (the others empty). */
    public TableDump onlyTables(Set<String> kept) {
        TableDump copy = new TableDump();
        tables.forEach(
                (table, rows) -> {
                    if (kept.contains(table)) {
                        copy.tables.get(table).putAll(rows);
                    }
                });
        return copy;
    }

    /**
     * The first {@code max} differences from {@code expected}, each naming the table, the key, the
     * column and both values; empty when the dumps are equal.
     */
    public List<String> differencesFrom(TableDump expected, int max) {
        List<String> out = new ArrayList<>();
        for (String table : tables.keySet()) {
            SortedMap<String, SortedMap<String, String>> mine = tables.get(table);
            SortedMap<String, SortedMap<String, String>> theirs = expected.tables.get(table);
            for (Map.Entry<String, SortedMap<String, String>> row : theirs.entrySet()) {
                SortedMap<String, String> actual = mine.get(row.getKey());
                if (actual == null) {
                    add(
                            out,
                            max,
                            table + " [" + row.getKey() + "] missing; expected " + row.getValue());
                    continue;
                }
                for (String column : union(row.getValue().keySet(), actual.keySet())) {
                    String want = row.getValue().get(column);
                    String got = actual.get(column);
                    if (!java.util.Objects.equals(want, got)) {
                        add(
                                out,
                                max,
                                table
                                        + " ["
                                        + row.getKey()
                                        + "] "
                                        + column
                                        + ": expected "
                                        + want
                                        + ", actual "
                                        + got);
                    }
                }
            }
            for (Map.Entry<String, SortedMap<String, String>> row : mine.entrySet()) {
                if (!theirs.containsKey(row.getKey())) {
                    add(out, max, table + " [" + row.getKey() + "] unexpected " + row.getValue());
                }
            }
        }
        return out;
    }

    /** Row counts per table, for reports. */
    public Map<String, Integer> rowCounts() {
        Map<String, Integer> counts = new LinkedHashMap<>();
        tables.forEach((table, rows) -> counts.put(table, rows.size()));
        return counts;
    }

    /** A stable text rendering: the same dump always gives the same bytes. */
    public String render() {
        StringBuilder text = new StringBuilder();
        tables.forEach(
                (table, rows) ->
                        rows.forEach(
                                (key, values) ->
                                        text.append(table)
                                                .append(" [")
                                                .append(key)
                                                .append("] ")
                                                .append(values)
                                                .append('\n')));
        return text.toString();
    }

    /** The normalized text of one column value. */
    public static String normalize(Object value) {
        if (value == null) {
            return null;
        }
        if (value instanceof Double || value instanceof Float) {
            double d = ((Number) value).doubleValue();
            if (Double.isNaN(d) || Double.isInfinite(d)) {
                return Double.toString(d);
            }
            if (d == 0.0) {
                return "0";
            }
            return new BigDecimal(d).round(DIGITS).stripTrailingZeros().toPlainString();
        }
        if (value instanceof BigDecimal decimal) {
            return normalize(decimal.doubleValue());
        }
        if (value instanceof Number || value instanceof Boolean) {
            return value.toString();
        }
        if (value instanceof Instant instant) {
            return instant.toString();
        }
        if (value instanceof OffsetDateTime time) {
            return time.toInstant().toString();
        }
        if (value instanceof Timestamp timestamp) {
            return timestamp.toInstant().toString();
        }
        if (value instanceof JsonNode node) {
            return canonicalJson(node);
        }
        return value.toString();
    }

    /** {@code json} re-written with sorted keys and normalized numbers. */
    public static String canonicalJson(String json) {
        try {
            return canonicalJson(JSON.readTree(json));
        } catch (Exception e) {
            throw new IllegalArgumentException("not JSON: " + json, e);
        }
    }

    private static String canonicalJson(JsonNode node) {
        try {
            Object plain = JSON.treeToValue(node, Object.class);
            return JSON.writeValueAsString(plain);
        } catch (Exception e) {
            throw new IllegalArgumentException("not JSON: " + node, e);
        }
    }

    private static Set<String> union(Set<String> a, Set<String> b) {
        Set<String> all = new java.util.TreeSet<>(a);
        all.addAll(b);
        return all;
    }

    private static void add(List<String> out, int max, String line) {
        if (out.size() < max) {
            out.add(line);
        }
    }

    private static Map<String, List<String>> keys() {
        Map<String, List<String>> keys = new LinkedHashMap<>();
        keys.put("quality_alerts", List.of("incident_key"));
        keys.put("session_quality", List.of("session_id", "metric_version"));
        keys.put("computed_metrics", List.of("interaction_id", "metric_type", "metric_version"));
        keys.put(
                "kpi_windows",
                List.of(
                        "dimension",
                        "dimension_id",
                        "window_start",
                        "window_size",
                        "metric",
                        "metric_version"));
        keys.put("rejected_events", List.of("event_key"));
        keys.put("late_events", List.of("event_id"));
        keys.put("webhook_deliveries", List.of("incident_key", "state", "endpoint"));
        keys.put("webhook_outbox", List.of("idempotency_key"));
        return Collections.unmodifiableMap(keys);
    }
}
