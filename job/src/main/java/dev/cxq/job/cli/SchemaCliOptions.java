package dev.cxq.job.cli;

import picocli.CommandLine.Option;

/**
 * Who creates and migrates the output tables. A local run migrates them itself (an empty database
 * is enough). On a cluster the migrations are a deploy step of their own ({@code --migrate-only} in
 * an init container or a Kubernetes Job), and the job only verifies the schema: its {@code main}
 * runs in the JobManager, again after every JobManager failover, with database rights that should
 * not include DDL.
 */
final class SchemaCliOptions {

    static final String MIGRATE = "migrate";
    static final String VERIFY = "verify";

    static final String SCHEMA = "--schema";

    @Config(
            key = "jdbc.schema",
            rule = "migrate or verify",
            shownDefault = "migrate locally, verify on a cluster")
    @Option(
            names = SCHEMA,
            paramLabel = "migrate|verify",
            description =
                    "migrate: create or migrate the tables before running; verify: fail unless"
                            + " every migration is applied. Default: migrate in a local run"
                            + " (java -jar), verify on a Flink cluster.")
    String schema;

    static final String MIGRATE_ONLY = "--migrate-only";

    @Config(rule = "needs jdbc.url; no input")
    @Option(
            names = MIGRATE_ONLY,
            description =
                    "Create or migrate the tables of --jdbc-url and exit without running a job:"
                            + " the migration step of a cluster deploy (init container, Kubernetes"
                            + " Job).")
    boolean migrateOnly;

    /** The effective mode: the one given, else the deployment's. */
    String mode(Deployment deployment) {
        if (schema != null) {
            return schema;
        }
        return deployment.isLocal() ? MIGRATE : VERIFY;
    }

    /** The schema options' problems; {@code jdbcUrl} is the database's, or null for none. */
    void validate(Problems problems, String jdbcUrl) {
        if (schema != null && !schema.equals(MIGRATE) && !schema.equals(VERIFY)) {
            problems.add(problems.name(SCHEMA) + " must be migrate or verify: " + schema);
        }
        if (migrateOnly && jdbcUrl == null) {
            problems.add(
                    problems.name(MIGRATE_ONLY)
                            + " needs "
                            + problems.name(OutputCliOptions.JDBC_URL));
        }
    }
}
