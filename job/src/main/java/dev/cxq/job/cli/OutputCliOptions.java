package dev.cxq.job.cli;

import dev.cxq.job.secret.Redaction;
import dev.cxq.job.secret.SecretRef;

import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.Map;

/** Where the tables go: PostgreSQL, or JSON Lines files without a database. */
final class OutputCliOptions {

    static final String JDBC_PASSWORD_ENV = "CXQ_JDBC_PASSWORD";

    static final String JDBC_URL = "--jdbc-url";

    @Config(key = "jdbc.url", rule = "starts with jdbc:postgresql:")
    @Option(
            names = JDBC_URL,
            description = "PostgreSQL URL, e.g. jdbc:postgresql://127.0.0.1:5432/cxq.")
    String jdbcUrl;

    static final String JDBC_USER = "--jdbc-user";

    @Config(key = "jdbc.user", rule = "-")
    @Option(names = JDBC_USER, description = "Database user.")
    String jdbcUser;

    static final String JDBC_PASSWORD = "--jdbc-password";

    @Config(rule = "secret: a local run only; visible in ps; refused on a cluster")
    @Option(
            names = JDBC_PASSWORD,
            description =
                    "Database password, for a local run only (the replay contract): visible in the"
                            + " process list, and refused on a cluster, whose web UI shows"
                            + " program arguments. Prefer "
                            + JDBC_PASSWORD_ENV
                            + " or --jdbc-password-file.")
    String jdbcPassword;

    static final String JDBC_PASSWORD_FILE = "--jdbc-password-file";

    @Config(key = "jdbc.password-file", rule = "a readable file")
    @Option(
            names = JDBC_PASSWORD_FILE,
            paramLabel = "FILE",
            description =
                    "File holding the database password; wins over "
                            + JDBC_PASSWORD_ENV
                            + ", loses to --jdbc-password.")
    Path jdbcPasswordFile;

    static final String OUTPUT_DIR = "--output-dir";

    @Config(key = "output.dir", rule = "-")
    @Option(
            names = OUTPUT_DIR,
            defaultValue = "cxq-output",
            description = "Where the tables are written as JSON Lines when no --jdbc-url is given.")
    Path outputDir;

    static final String METRIC_VERSION = "--metric-version";

    @Config(key = "output.metric-version", rule = "1 or more")
    @Option(
            names = METRIC_VERSION,
            defaultValue = "1",
            description =
                    "Version written with every metric row; a backfill writes a new one beside the current.")
    int metricVersion;

    /**
     * Where the database password is: {@code --jdbc-password} (held by this process), else the
     * file, else {@code CXQ_JDBC_PASSWORD} if set.
     */
    SecretRef jdbcPassword(Map<String, String> env) {
        if (jdbcPassword != null) {
            return SecretRef.heldByThisProcess(jdbcPassword);
        }
        return SecretLocation.of(jdbcPasswordFile, JDBC_PASSWORD_ENV, env);
    }

    void validate(Problems problems) {
        if (jdbcUrl != null && !jdbcUrl.startsWith("jdbc:postgresql:")) {
            problems.add(
                    problems.name(JDBC_URL)
                            + " must be a PostgreSQL JDBC URL (jdbc:postgresql://host:port/db): "
                            + Redaction.jdbcUrl(jdbcUrl));
        }
        if (jdbcUrl != null && Redaction.jdbcUrlHasPassword(jdbcUrl)) {
            problems.add(
                    problems.name(JDBC_URL)
                            + " must not hold a password (it would show in the Flink UI and"
                            + " logs): give it in "
                            + JDBC_PASSWORD_ENV
                            + " or "
                            + problems.name(JDBC_PASSWORD_FILE)
                            + ": "
                            + Redaction.jdbcUrl(jdbcUrl));
        }
        problems.readable(JDBC_PASSWORD_FILE, jdbcPasswordFile);
        problems.atLeast(METRIC_VERSION, metricVersion, 1);
    }
}
