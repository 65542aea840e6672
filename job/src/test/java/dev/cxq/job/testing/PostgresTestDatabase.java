package dev.cxq.job.testing;

import dev.cxq.job.cli.CxqMain;
import dev.cxq.job.db.PostgresConnection;
import dev.cxq.job.db.SchemaMigrations;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A fresh database on the local PostgreSQL (127.0.0.1:5432, user {@code postgres}, or the {@code
 * CXQ_TEST_PG_*} environment variables) or on a given server, created with a unique name and
 * dropped on close. It holds cxq's schema already: it is a copy of a template database migrated
 * once per set of migrations (a copy takes no longer than an empty database, a migration seconds),
 * unless {@link #empty()} is asked for, to test the migration itself. Its sessions commit without
 * waiting for the WAL flush ({@code synchronous_commit = off}).
 */
public final class PostgresTestDatabase implements AutoCloseable {

    private static final String HOST = env("CXQ_TEST_PG_HOST", "127.0.0.1");
    private static final String PORT = env("CXQ_TEST_PG_PORT", "5432");
    public static final String USER = env("CXQ_TEST_PG_USER", "postgres");

    private final String host;
    private final String port;
    private final String name;

    /** A fresh database with cxq's schema on the local PostgreSQL. */
    public PostgresTestDatabase() throws SQLException {
        this(HOST, PORT, true);
    }

    /**
     * A fresh database with cxq's schema on the server at {@code host:port} (user {@link #USER}).
     */
    public PostgresTestDatabase(String host, int port) throws SQLException {
        this(host, Integer.toString(port), true);
    }

    /** A fresh database without any table on the local PostgreSQL, for migration tests. */
    public static PostgresTestDatabase empty() throws SQLException {
        return new PostgresTestDatabase(HOST, PORT, false);
    }

    private PostgresTestDatabase(String host, String port, boolean migrated) throws SQLException {
        this.host = host;
        this.port = port;
        this.name = "cxq_test_" + UUID.randomUUID().toString().replace("-", "").substring(0, 16);
        String template = migrated ? SchemaTemplate.on(host, port, USER) : "template1";
        try (Connection admin = connect("postgres");
                Statement st = admin.createStatement()) {
            st.execute("CREATE DATABASE " + name + " TEMPLATE " + template);
            // A test database needs no durability across a server crash: without waiting for the
            // WAL flush at each commit, the jobs' many small commits (a checkpoint's flush of every
            // sink, one per webhook delivery) take no fsync each. What a session reads is the same.
            st.execute("ALTER DATABASE " + name + " SET synchronous_commit = off");
        }
    }

    public String url() {
        return "jdbc:postgresql://" + host + ":" + port + "/" + name;
    }

    /**
     * Creates cxq's tables and views in this database, as the job does before it writes (nothing to
     * do unless it is {@link #empty()}).
     */
    public void migrate() {
        SchemaMigrations.migrate(PostgresConnection.of(url(), USER, null), Map.of());
    }

    /**
     * Replays {@code input} into this database through the command line, with {@code extraArgs}
     * after the input and database flags; fails the test unless the job exits 0.
     */
    public void replay(Path input, String... extraArgs) {
        List<String> args =
                new ArrayList<>(
                        List.of(
                                "--input",
                                input.toString(),
                                "--jdbc-url",
                                url(),
                                "--jdbc-user",
                                USER));
        args.addAll(List.of(extraArgs));
        assertThat(CxqMain.run(args.toArray(String[]::new))).as("exit code of %s", args).isZero();
    }

    public Connection connect() throws SQLException {
        return connect(name);
    }

    private Connection connect(String database) throws SQLException {
        return DriverManager.getConnection(
                "jdbc:postgresql://" + host + ":" + port + "/" + database, USER, null);
    }

    /**
     * Every row of {@code table} as text, in a total order, without the {@code ignored} columns.
     */
    public List<String> rows(String table, Set<String> ignored) throws SQLException {
        try (Connection c = connect();
                Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT * FROM " + table)) {
            ResultSetMetaData meta = rs.getMetaData();
            List<String> rows = new ArrayList<>();
            while (rs.next()) {
                Map<String, Object> row = new LinkedHashMap<>();
                for (int i = 1; i <= meta.getColumnCount(); i++) {
                    if (!ignored.contains(meta.getColumnName(i))) {
                        row.put(meta.getColumnName(i), rs.getObject(i));
                    }
                }
                rows.add(row.toString());
            }
            rows.sort(null);
            return rows;
        }
    }

    /** Every output table of the contract, as {@link #rows}. */
    public Map<String, List<String>> snapshot(Set<String> ignoredColumns) throws SQLException {
        Map<String, List<String>> tables = new LinkedHashMap<>();
        for (String table :
                List.of(
                        "quality_alerts",
                        "session_quality",
                        "computed_metrics",
                        "kpi_windows",
                        "rejected_events",
                        "late_events",
                        "webhook_deliveries",
                        "webhook_outbox")) {
            tables.put(table, rows(table, ignoredColumns));
        }
        return tables;
    }

    /** The single number {@code sql} answers, e.g. a count or a sum (0 for SQL NULL). */
    public long queryLong(String sql) throws SQLException {
        try (Connection c = connect();
                Statement st = c.createStatement();
                ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** The first column of every row {@code sql} answers, as text, in the query's order. */
    public List<String> queryStrings(String sql) throws SQLException {
        try (Connection c = connect();
                Statement st = c.createStatement();
                ResultSet rs = st.executeQuery(sql)) {
            List<String> values = new ArrayList<>();
            while (rs.next()) {
                values.add(rs.getString(1));
            }
            return values;
        }
    }

    /** The outbox's idempotency keys, oldest transition first: the order delivery must keep. */
    public List<String> outboxOldestFirst() throws SQLException {
        return queryStrings(
                "SELECT idempotency_key FROM webhook_outbox ORDER BY event_time, idempotency_key");
    }

    /**
     * The webhook idempotency keys the alerts in {@code quality_alerts} call for: {@code
     * incident_key:firing} for each, {@code incident_key:resolved} for each resolved one.
     */
    public Set<String> alertTransitionKeys() throws SQLException {
        Set<String> keys = new HashSet<>();
        try (Connection c = connect();
                Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT incident_key, state FROM quality_alerts")) {
            while (rs.next()) {
                keys.add(rs.getString(1) + ":firing");
                if ("resolved".equals(rs.getString(2))) {
                    keys.add(rs.getString(1) + ":resolved");
                }
            }
        }
        return keys;
    }

    @Override
    public void close() throws SQLException {
        try (Connection admin = connect("postgres");
                Statement st = admin.createStatement()) {
            st.execute("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
        }
    }

    private static String env(String key, String fallback) {
        String value = System.getenv(key);
        return value == null || value.isBlank() ? fallback : value;
    }
}
