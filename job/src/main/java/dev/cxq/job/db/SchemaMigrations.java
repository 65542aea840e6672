package dev.cxq.job.db;

import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.output.MigrateResult;

/**
 * Creates or migrates the output tables with the versioned migrations under {@code db/migration},
 * so that an empty database is enough to run the job.
 */
public final class SchemaMigrations {

    private SchemaMigrations() {}

    /** Applies the pending migrations; returns how many ran. */
    public static int migrate(String jdbcUrl, String user, String password) {
        MigrateResult result =
                Flyway.configure(SchemaMigrations.class.getClassLoader())
                        .dataSource(jdbcUrl, user, password)
                        .locations("classpath:db/migration")
                        .table("cxq_schema_history")
                        .baselineOnMigrate(true)
                        .baselineVersion("0")
                        .load()
                        .migrate();
        return result.migrationsExecuted;
    }
}
