package dev.cxq.job.testing;

import dev.cxq.job.db.PostgresConnection;
import dev.cxq.job.db.SchemaMigrations;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

/**
 * The template database that {@link PostgresTestDatabase} copies: migrated once per server and set
 * of migrations, then kept for later builds. Its name carries a digest of the migration scripts, so
 * a changed or added migration gets a new template; builds of other branches on the same server
 * each find theirs. Build processes that share the server create it one at a time (an advisory
 * lock); a template whose migration was interrupted is not marked as one and is built again.
 */
final class SchemaTemplate {

    private static final Map<String, String> BY_SERVER = new ConcurrentHashMap<>();

    private SchemaTemplate() {}

    /** The name of the migrated template on {@code host:port}, created if missing. */
    static String on(String host, String port, String user) throws SQLException {
        String server = host + ":" + port;
        String known = BY_SERVER.get(server);
        if (known != null) {
            return known;
        }
        synchronized (SchemaTemplate.class) {
            String name = "cxq_template_" + migrationsDigest();
            String url = "jdbc:postgresql://" + server + "/";
            try (Connection admin = DriverManager.getConnection(url + "postgres", user, null);
                    Statement st = admin.createStatement()) {
                st.execute("SELECT pg_advisory_lock(hashtext('" + name + "'))");
                try {
                    if (!isTemplate(st, name)) {
                        st.execute("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
                        st.execute("CREATE DATABASE " + name);
                        SchemaMigrations.migrate(
                                PostgresConnection.of(url + name, user, null), Map.of());
                        st.execute("ALTER DATABASE " + name + " WITH IS_TEMPLATE true");
                    }
                } finally {
                    st.execute("SELECT pg_advisory_unlock(hashtext('" + name + "'))");
                }
            }
            BY_SERVER.put(server, name);
            return name;
        }
    }

    private static boolean isTemplate(Statement st, String name) throws SQLException {
        try (ResultSet rs =
                st.executeQuery(
                        "SELECT datistemplate FROM pg_database WHERE datname = '" + name + "'")) {
            return rs.next() && rs.getBoolean(1);
        }
    }

    /** The first 16 hex digits of a SHA-256 over the migration scripts' names and contents. */
    private static String migrationsDigest() {
        URL migrations = SchemaMigrations.class.getClassLoader().getResource("db/migration");
        if (migrations == null || !migrations.getProtocol().equals("file")) {
            throw new IllegalStateException(
                    "no migration directory on the classpath: " + migrations);
        }
        try (Stream<Path> scripts = Files.list(Path.of(migrations.toURI()))) {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            for (Path script : scripts.sorted().toList()) {
                digest.update(script.getFileName().toString().getBytes(StandardCharsets.UTF_8));
                digest.update(Files.readAllBytes(script));
            }
            return HexFormat.of().formatHex(digest.digest()).substring(0, 16);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (URISyntaxException | NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
