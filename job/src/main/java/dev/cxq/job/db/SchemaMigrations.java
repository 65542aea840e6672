package dev.cxq.job.db;

import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.MigrationInfo;
import org.flywaydb.core.api.MigrationInfoService;

import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Creates or migrates the output tables with the versioned migrations under {@code db/migration},
 * so that an empty database is enough to run the job; or only verifies that they are current, for
 * runs on a cluster whose deploy step migrates ({@code --migrate-only}).
 */
public final class SchemaMigrations {

    private SchemaMigrations() {}

    /**
     * Applies the pending migrations; returns how many ran.
     *
     * @param env the process environment the password is read with
     */
    public static int migrate(PostgresConnection database, Map<String, String> env) {
        return flyway(database, env).migrate().migrationsExecuted;
    }

    /**
     * Checks that every migration of this build has been applied, without changing the database;
     * returns the schema's version. A schema ahead of this build (a rolled-back job) is accepted:
     * migrations only add.
     *
     * @param env the process environment the password is read with
     * @throws SchemaBehindException when migrations are pending
     */
    public static String verify(PostgresConnection database, Map<String, String> env) {
        MigrationInfoService info = flyway(database, env).info();
        MigrationInfo current = info.current();
        MigrationInfo[] pending = info.pending();
        if (pending.length > 0) {
            throw new SchemaBehindException(
                    "the database schema is "
                            + (current == null ? "missing" : "at version " + current.getVersion())
                            + " but this job needs version "
                            + pending[pending.length - 1].getVersion()
                            + " (pending: "
                            + Arrays.stream(pending)
                                    .map(m -> "V" + m.getVersion() + " " + m.getDescription())
                                    .collect(Collectors.joining(", "))
                            + "); run the migration step first: cxq --migrate-only --jdbc-url ..."
                            + " (or start the job with --schema migrate)");
        }
        return current == null ? "none" : current.getVersion().toString();
    }

    private static Flyway flyway(PostgresConnection database, Map<String, String> env) {
        // A migration statement may run long (an index on a large table): no read timeout.
        PostgresConnection migrations = database.withSocketTimeout(Duration.ZERO);
        return Flyway.configure(SchemaMigrations.class.getClassLoader())
                .dataSource(migrations.url(), migrations.user(), migrations.password(env))
                .jdbcProperties(migrations.driverSettings())
                .locations("classpath:db/migration")
                .table("cxq_schema_history")
                .baselineOnMigrate(true)
                .baselineVersion("0")
                .load();
    }

    /** The database lacks migrations that this build needs. */
    public static final class SchemaBehindException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        SchemaBehindException(String message) {
            super(message);
        }
    }
}
