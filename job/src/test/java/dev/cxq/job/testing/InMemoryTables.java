package dev.cxq.job.testing;

import dev.cxq.job.sink.CxqTables;
import dev.cxq.job.sink.Table;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

/**
 * The tables a run of {@link CollectingSinks} wrote, read as PostgreSQL holds them: per key (the
 * table's key without {@code metric_version}, one run writes one version) the write its upsert
 * keeps, by the rule of each table in docs/delivery-guarantees.md. The upsert statements themselves
 * are tested against PostgreSQL ({@code NewestVersionWinsITCase}, {@code
 * QualityAlertsUpsertITCase}).
 */
public final class InMemoryTables {

    /** Tables in the order of {@code PostgresTestDatabase#snapshot}, less the delivery log. */
    private static final List<Table<?>> SNAPSHOT_ORDER =
            List.of(
                    CxqTables.QUALITY_ALERTS,
                    CxqTables.SESSION_QUALITY,
                    CxqTables.COMPUTED_METRICS,
                    CxqTables.KPI_WINDOWS,
                    CxqTables.REJECTED_EVENTS,
                    CxqTables.LATE_EVENTS);

    private final Map<String, List<Map<String, Object>>> writes;

    InMemoryTables(Map<String, List<Map<String, Object>>> writes) {
        this.writes = writes;
    }

    /** Every write to {@code table}, in arrival order. */
    public List<Map<String, Object>> writes(String table) {
        return writes.get(table);
    }

    /** The rows {@code table} holds after every write, in no particular order. */
    public List<Map<String, Object>> rows(String table) {
        Table<?> description = table(table);
        List<String> key =
                description.keyColumns().stream()
                        .filter(column -> !column.equals("metric_version"))
                        .toList();
        Map<List<Object>, Map<String, Object>> byKey = new LinkedHashMap<>();
        for (Map<String, Object> write : writes.get(table)) {
            List<Object> keyValues = key.stream().map(write::get).toList();
            Map<String, Object> existing = byKey.get(keyValues);
            if (existing == null
                    || (!description.firstWriteWins() && replaces(table, existing, write))) {
                byKey.put(keyValues, write);
            }
        }
        return new ArrayList<>(byKey.values());
    }

    /** The rows of {@code table} that match {@code filter}. */
    public List<Map<String, Object>> rows(String table, Predicate<Map<String, Object>> filter) {
        return rows(table).stream().filter(filter).toList();
    }

    /**
     * Every output table as sorted text rows without the {@code ignored} columns, the form of
     * {@code PostgresTestDatabase#snapshot}: two runs with equal snapshots wrote equal tables.
     */
    public Map<String, List<String>> snapshot(Set<String> ignored) {
        Map<String, List<String>> tables = new LinkedHashMap<>();
        for (Table<?> table : SNAPSHOT_ORDER) {
            tables.put(
                    table.name(),
                    rows(table.name()).stream()
                            .map(
                                    row -> {
                                        Map<String, Object> kept = new LinkedHashMap<>(row);
                                        kept.keySet().removeAll(ignored);
                                        return kept.toString();
                                    })
                            .sorted(Comparator.naturalOrder())
                            .toList());
        }
        return tables;
    }

    /**
     * Whether the upsert of {@code table} lets {@code incoming} overwrite {@code existing}: the
     * version guards (equal versions update, as {@code <=} does), the forward-only alert state.
     */
    private static boolean replaces(
            String table, Map<String, Object> existing, Map<String, Object> incoming) {
        return switch (table) {
            case "computed_metrics", "kpi_windows" ->
                    (Long) existing.get(CxqTables.ROW_VERSION)
                            <= (Long) incoming.get(CxqTables.ROW_VERSION);
            case "session_quality" ->
                    !((Instant) existing.get("ended_at"))
                            .isAfter((Instant) incoming.get("ended_at"));
            case "quality_alerts" ->
                    !"resolved".equals(existing.get("state"))
                            || "resolved".equals(incoming.get("state"));
            // Wall-clock rows: the latest observation of an (input, minute) is the row.
            case "pipeline_status" -> true;
            default -> throw new IllegalArgumentException("no upsert rule for " + table);
        };
    }

    private static Table<?> table(String name) {
        return CxqTables.ALL.stream()
                .filter(table -> table.name().equals(name))
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no table " + name));
    }
}
