package dev.cxq.job.differential;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Reads cxq's output tables from PostgreSQL into a {@link TableDump}, column names as in the
 * migrations. JSONB columns and the canonical JSON of {@code late_events.payload} are compared with
 * sorted keys; {@code received_at} (wall clock) is left out.
 */
public final class PostgresDump {

    private static final Set<String> WALL_CLOCK = Set.of("received_at");

    private PostgresDump() {}

    public static TableDump read(String jdbcUrl, String user) throws SQLException {
        TableDump dump = new TableDump();
        try (Connection c = DriverManager.getConnection(jdbcUrl, user, null)) {
            for (String table : TableDump.KEYS.keySet()) {
                try (Statement st = c.createStatement();
                        ResultSet rs = st.executeQuery("SELECT * FROM " + table)) {
                    ResultSetMetaData meta = rs.getMetaData();
                    while (rs.next()) {
                        Map<String, Object> row = new LinkedHashMap<>();
                        for (int i = 1; i <= meta.getColumnCount(); i++) {
                            String column = meta.getColumnName(i);
                            if (!WALL_CLOCK.contains(column)) {
                                row.put(column, value(rs, i, meta, table, column));
                            }
                        }
                        dump.put(table, row);
                    }
                }
            }
        }
        return dump;
    }

    private static Object value(
            ResultSet rs, int i, ResultSetMetaData meta, String table, String column)
            throws SQLException {
        if ("jsonb".equals(meta.getColumnTypeName(i))
                || (table.equals("late_events") && column.equals("payload"))) {
            String json = rs.getString(i);
            return json == null ? null : TableDump.canonicalJson(json);
        }
        if (meta.getColumnType(i) == Types.TIMESTAMP_WITH_TIMEZONE
                || "timestamptz".equals(meta.getColumnTypeName(i))) {
            java.sql.Timestamp ts = rs.getTimestamp(i);
            return ts == null ? null : ts.toInstant();
        }
        return rs.getObject(i);
    }
}
