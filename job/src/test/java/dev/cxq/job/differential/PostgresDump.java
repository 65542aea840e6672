package dev.cxq.job.differential;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Reads cxq's output tables from PostgreSQL into a {@link TableDump}, column names as in the
 * migrations. JSONB columns and the canonical JSON of {@code late_events.payload} are compared with
 * sorted keys; wall-clock columns are left out.
 */
public final class PostgresDump {

    /**
     * Wall-clock columns: when a row was received or delivered, which no two runs share. The oracle
     * cannot compute them either.
     */
    public static final Set<String> WALL_CLOCK_COLUMNS =
            Set.of("received_at", "delivered_at", "refused_at");

    private PostgresDump() {}

    /** Every row of every output table at {@code jdbcUrl}, without the wall-clock columns. */
    public static TableDump of(String jdbcUrl, String user) throws SQLException {
        TableDump dump = new TableDump();
        try (Connection c = DriverManager.getConnection(jdbcUrl, user, null);
                Statement st = c.createStatement()) {
            // Large tables at the soak's size: stream the rows instead of holding the result set.
            c.setAutoCommit(false);
            st.setFetchSize(10_000);
            for (String table : TableDump.KEYS.keySet()) {
                try (ResultSet rs = st.executeQuery("SELECT * FROM " + table)) {
                    ResultSetMetaData meta = rs.getMetaData();
                    while (rs.next()) {
                        Map<String, Object> row = new LinkedHashMap<>();
                        for (int i = 1; i <= meta.getColumnCount(); i++) {
                            String column = meta.getColumnName(i);
                            if (!WALL_CLOCK_COLUMNS.contains(column)) {
                                row.put(
                                        column,
                                        value(rs, i, meta.getColumnTypeName(i), table, column));
                            }
                        }
                        dump.put(table, row);
                    }
                }
            }
            c.commit();
        }
        return dump;
    }

    private static Object value(ResultSet rs, int i, String type, String table, String column)
            throws SQLException {
        if (type.equals("jsonb")
                || type.equals("json")
                || (table.equals("late_events") && column.equals("payload"))) {
            String json = rs.getString(i);
            return json == null ? null : TableDump.canonicalJson(json);
        }
        if (type.equals("timestamptz") || type.equals("timestamp")) {
            Timestamp ts = rs.getTimestamp(i);
            return ts == null ? null : ts.toInstant();
        }
        return rs.getObject(i);
    }
}
