package dev.cxq.job.differential;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/** The output tables of a PostgreSQL database as a {@link TableDump}. */
public final class PostgresDump {

    /**
     * Wall-clock columns: when a row was received or delivered, which no two runs share. The oracle
     * cannot compute them either.
     */
    public static final Set<String> WALL_CLOCK_COLUMNS = Set.of("received_at", "delivered_at");

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
                                row.put(column, value(rs, i, meta.getColumnTypeName(i)));
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

    private static Object value(ResultSet rs, int column, String type) throws SQLException {
        if (type.equals("jsonb") || type.equals("json")) {
            String json = rs.getString(column);
            return json == null ? null : TableDump.canonicalJson(json);
        }
        if (type.equals("timestamptz") || type.equals("timestamp")) {
            return rs.getTimestamp(column);
        }
        return rs.getObject(column);
    }
}
