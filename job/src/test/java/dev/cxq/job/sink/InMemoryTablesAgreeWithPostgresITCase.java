package dev.cxq.job.sink;

import dev.cxq.job.testing.CollectingSinks;
import dev.cxq.job.testing.InMemoryTables;
import dev.cxq.job.testing.PostgresTestDatabase;
import dev.cxq.udf.rows.ComputedMetric;
import dev.cxq.udf.rows.LateEvent;
import dev.cxq.udf.rows.QualityAlert;
import dev.cxq.udf.rows.RejectedEvent;

import org.apache.flink.api.connector.sink2.SinkWriter;

import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import static dev.cxq.job.sink.VersionedRows.sessionEndingAt;
import static dev.cxq.job.sink.VersionedRows.uploaded;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The topology tests read their collected writes as the upserts keep them ({@link InMemoryTables}):
 * the same writes, in the same order, leave the same row per key there as in PostgreSQL, for every
 * table and each rule (version guards, forward-only alert state, first write wins).
 */
class InMemoryTablesAgreeWithPostgresITCase {

    /**
     * Writes {@code rows} in order to PostgreSQL, as the JDBC sink binds them, and collects them.
     */
    private static <T> void write(Connection c, CollectingSinks sinks, Table<T> table, List<T> rows)
            throws Exception {
        SinkWriter<T> collecting = sinks.sink(table).createWriter(null);
        try (PreparedStatement st = c.prepareStatement(table.upsertSql())) {
            for (T row : rows) {
                table.bind(st, row, 1);
                st.executeUpdate();
                collecting.write(row, null);
            }
        }
    }

    private static ComputedMetric status(String interaction, String status, long version) {
        return new ComputedMetric(
                interaction,
                "recording_status",
                1_000L,
                "agent-1",
                0.0,
                "{\"status\":\"" + status + "\"}",
                version);
    }

    private static QualityAlert alert(String key, String state) {
        return new QualityAlert(
                key,
                "s1",
                "agent-1",
                "q1",
                "degradation",
                "high",
                state,
                1_000L,
                31_000L,
                "resolved".equals(state) ? 90_000L : null,
                3.1,
                false,
                5.0,
                1.0,
                40.0,
                null,
                "mos<3.5");
    }

    @Test
    void everyTableKeepsTheRowPostgresKeeps() throws Exception {
        try (PostgresTestDatabase db = new PostgresTestDatabase();
                CollectingSinks sinks = new CollectingSinks();
                Connection c = db.connect()) {
            write(
                    c,
                    sinks,
                    CxqTables.COMPUTED_METRICS,
                    List.of(
                            status("i1", "uploaded", 3),
                            status("i1", "pending", 2),
                            status("i2", "pending", 1),
                            status("i2", "failed", 2),
                            status("i1", "pending", 2)));
            write(
                    c,
                    sinks,
                    CxqTables.KPI_WINDOWS,
                    List.of(uploaded(2, 5), uploaded(1, 4), uploaded(3, 6), uploaded(1, 4)));
            write(
                    c,
                    sinks,
                    CxqTables.SESSION_QUALITY,
                    List.of(
                            sessionEndingAt(9_000L, 40),
                            sessionEndingAt(2_000L, 10),
                            sessionEndingAt(12_000L, 50)));
            write(
                    c,
                    sinks,
                    CxqTables.QUALITY_ALERTS,
                    List.of(
                            alert("k1", "resolved"),
                            alert("k1", "firing"),
                            alert("k2", "firing"),
                            alert("k3", "firing"),
                            alert("k3", "resolved")));
            write(
                    c,
                    sinks,
                    CxqTables.REJECTED_EVENTS,
                    List.of(
                            new RejectedEvent("e1", "invalid_json", "f:1", "{", 1L),
                            new RejectedEvent("e1", "not_a_json_object", "f:1", "[]", 2L)));
            write(
                    c,
                    sinks,
                    CxqTables.LATE_EVENTS,
                    List.of(
                            new LateEvent("l1", "s1", 1_000L, "media_sample", "first"),
                            new LateEvent("l1", "s1", 1_000L, "media_sample", "second")));
            InMemoryTables tables = sinks.tables();

            assertSame(
                    db,
                    "SELECT interaction_id || '|' || (metadata->>'status') || '|' || row_version"
                            + " FROM computed_metrics",
                    tables,
                    "computed_metrics",
                    row ->
                            row.get("interaction_id")
                                    + "|"
                                    + status(row)
                                    + "|"
                                    + row.get("row_version"));
            assertSame(
                    db,
                    "SELECT value::bigint || '|' || row_version FROM kpi_windows",
                    tables,
                    "kpi_windows",
                    row -> ((Double) row.get("value")).longValue() + "|" + row.get("row_version"));
            assertSame(
                    db,
                    "SELECT session_id || '|' || samples FROM session_quality",
                    tables,
                    "session_quality",
                    row -> row.get("session_id") + "|" + row.get("samples"));
            assertSame(
                    db,
                    "SELECT incident_key || '|' || state FROM quality_alerts",
                    tables,
                    "quality_alerts",
                    row -> row.get("incident_key") + "|" + row.get("state"));
            assertSame(
                    db,
                    "SELECT event_key || '|' || reason FROM rejected_events",
                    tables,
                    "rejected_events",
                    row -> row.get("event_key") + "|" + row.get("reason"));
            assertSame(
                    db,
                    "SELECT event_id || '|' || payload FROM late_events",
                    tables,
                    "late_events",
                    row -> row.get("event_id") + "|" + row.get("payload"));
        }
    }

    private static String status(Map<String, Object> row) {
        String metadata = (String) row.get("metadata");
        return metadata.substring(metadata.indexOf(":\"") + 2, metadata.lastIndexOf('"'));
    }

    /** The rows of {@code table} in PostgreSQL ({@code sql}) and in memory, as the same text. */
    private static void assertSame(
            PostgresTestDatabase db,
            String sql,
            InMemoryTables tables,
            String table,
            Function<Map<String, Object>, String> text)
            throws Exception {
        List<String> postgres = new ArrayList<>();
        try (Connection c = db.connect();
                Statement st = c.createStatement();
                ResultSet rs = st.executeQuery(sql)) {
            while (rs.next()) {
                postgres.add(rs.getString(1));
            }
        }
        assertThat(postgres).as(table).isNotEmpty();
        assertThat(tables.rows(table).stream().map(text).toList())
                .as(table)
                .containsExactlyInAnyOrderElementsOf(postgres);
    }
}
