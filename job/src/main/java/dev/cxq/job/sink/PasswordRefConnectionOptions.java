package dev.cxq.job.sink;

import dev.cxq.job.secret.SecretRef;

import org.apache.flink.connector.jdbc.JdbcConnectionOptions;

import java.util.Map;
import java.util.Optional;
import java.util.Properties;

/**
 * JDBC connection options that hold where the password is, not the password: it is read from its
 * {@link SecretRef} when a writer connects, on the task manager. The connector's own options would
 * serialize the password into the job graph.
 */
final class PasswordRefConnectionOptions extends JdbcConnectionOptions {

    private static final long serialVersionUID = 1L;

    private final SecretRef password;

    /**
     * @param url the JDBC URL (without a password)
     * @param user the database user, or {@code null}
     * @param password where the password is, or {@code null} for none
     * @param driverProperties further driver properties
     */
    PasswordRefConnectionOptions(
            String url,
            String user,
            SecretRef password,
            int connectionCheckTimeoutSeconds,
            Map<String, String> driverProperties) {
        super(
                url,
                "org.postgresql.Driver",
                connectionCheckTimeoutSeconds,
                properties(user, driverProperties));
        this.password = password;
    }

    private static Properties properties(String user, Map<String, String> driverProperties) {
        Properties properties = new Properties();
        properties.putAll(driverProperties);
        if (user != null) {
            properties.setProperty(USER_KEY, user);
        }
        return properties;
    }

    @Override
    public Optional<String> getPassword() {
        return Optional.ofNullable(password).map(SecretRef::read);
    }

    /** The driver properties with the password, read now; the connector connects with these. */
    @Override
    public Properties getProperties() {
        Properties connect = new Properties();
        connect.putAll(super.getProperties());
        getPassword().ifPresent(p -> connect.setProperty(PASSWORD_KEY, p));
        return connect;
    }
}
