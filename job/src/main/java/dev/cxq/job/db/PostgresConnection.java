package dev.cxq.job.db;

import dev.cxq.job.secret.SecretRef;

import java.io.Serializable;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;

/**
 * How every part of the job connects to PostgreSQL: the sinks, the webhook delivery log, the schema
 * migrations and the backfill runs. It holds where the password is, never the password: the
 * password is read from its {@link SecretRef} at each connect, on the process that connects (a task
 * manager for the sinks), so this value travels in the job graph without the secret.
 *
 * <p>The driver timeouts bound every network wait, so a dead or restarting server fails the
 * operation (and the job restarts) instead of blocking a task for longer than Flink's task
 * cancellation timeout (180 s). A parameter in the JDBC URL takes precedence over them. A zero
 * timeout is none.
 *
 * @param url the JDBC URL, without a password
 * @param user the database user, or {@code null}
 * @param password where the password is, or {@code null} for none
 * @param connectTimeout how long opening the TCP connection may take
 * @param socketTimeout how long one read from the server may take
 * @param loginTimeout how long establishing a connection may take, authentication included
 */
public record PostgresConnection(
        String url,
        String user,
        SecretRef password,
        Duration connectTimeout,
        Duration socketTimeout,
        Duration loginTimeout)
        implements Serializable {

    /** The connection with the job's driver timeouts. */
    public static PostgresConnection of(String url, String user, SecretRef password) {
        return new PostgresConnection(
                url,
                user,
                password,
                Duration.ofSeconds(10),
                Duration.ofSeconds(30),
                Duration.ofSeconds(20));
    }

    /**
     * This connection with another bound on one read from the server ({@link Duration#ZERO}: none).
     */
    public PostgresConnection withSocketTimeout(Duration timeout) {
        return new PostgresConnection(url, user, password, connectTimeout, timeout, loginTimeout);
    }

    /**
     * The driver settings other than the credentials, in the units of the PostgreSQL driver. TCP
     * keep-alive lets the operating system notice a peer that vanished without closing.
     */
    public Map<String, String> driverSettings() {
        return Map.of(
                "connectTimeout", seconds(connectTimeout),
                "socketTimeout", seconds(socketTimeout),
                "loginTimeout", seconds(loginTimeout),
                "tcpKeepAlive", "true");
    }

    /** Opens a connection, reading the password now from this process's environment or file. */
    public Connection open() throws SQLException {
        return open(System.getenv());
    }

    /**
     * Opens a connection, reading the password now with {@code env} as the process environment (the
     * client reads the secrets of its configuration with the environment it was given).
     */
    public Connection open(Map<String, String> env) throws SQLException {
        Properties properties = new Properties();
        properties.putAll(driverSettings());
        if (user != null) {
            properties.setProperty("user", user);
        }
        String secret = password(env);
        if (secret != null) {
            properties.setProperty("password", secret);
        }
        return DriverManager.getConnection(url, properties);
    }

    /** The password, read now with {@code env} as the process environment, or {@code null}. */
    String password(Map<String, String> env) {
        return password == null ? null : password.read(env);
    }

    private static String seconds(Duration timeout) {
        return String.valueOf(timeout.toSeconds());
    }
}
