package dev.cxq.job.cli;

import dev.cxq.job.CxqPipeline;
import dev.cxq.job.PipelineSettings;
import dev.cxq.job.db.PostgresConnection;
import dev.cxq.job.db.SchemaMigrations;
import dev.cxq.job.demo.DemoMetricSync;
import dev.cxq.job.demo.DemoRun;
import dev.cxq.job.http.PrometheusEndpoint;
import dev.cxq.job.metricsync.MetricSyncException;
import dev.cxq.job.sink.CxqSinks;
import dev.cxq.job.sink.CxqTables;
import dev.cxq.job.sink.webhook.WebhookDeliveries;
import dev.cxq.job.sink.webhook.WebhookDeliveries.EndpointReport;
import dev.cxq.job.sink.webhook.WebhookSettings;

import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.api.common.RuntimeExecutionMode;
import org.apache.flink.client.program.StreamContextEnvironment;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

import org.flywaydb.core.api.FlywayException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * The cxq command line: parses the options, fills them from the environment and the config file,
 * validates them, and runs what they describe. Exit codes: 0 when every result is committed, 1 when
 * the job failed, 2 for bad arguments, 3 when the database cannot be reached or migrated.
 *
 * <p>The options are the picocli mixins below, one per concern. Each option may also come from its
 * {@code CXQ_*} environment variable or the {@code --config} YAML file ({@link ConfigKeys}, {@link
 * ConfigSources}); the result is validated as a whole by {@link ConfigValidator} before anything
 * starts, and {@link JobAssembly} turns it into the source, sinks and settings of the run.
 */
@Command(
        name = "cxq",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = "Contact-center session quality, interaction KPIs and recording compliance.")
public final class CxqMain implements Callable<Integer> {

    public static final int EXIT_JOB_FAILED = 1;
    public static final int EXIT_BAD_ARGUMENTS = 2;
    public static final int EXIT_DATABASE = 3;

    private static final Logger LOG = LoggerFactory.getLogger(CxqMain.class);

    /** The process environment: variables for every option, and the secrets. */
    final Map<String, String> env;

    /** A local run, or a run on a cluster whose configuration rules the Flink settings. */
    final Deployment deployment;

    /** Where each option's value came from; filled when the command line runs. */
    private ConfigSources.Origins origins = new ConfigSources.Origins();

    /** The problems reported to the user, for the exception that ends a run on a cluster. */
    private final List<String> problems = new ArrayList<>();

    @Spec CommandSpec spec;

    static final String CONFIG = "--config";

    @Config(env = "CXQ_CONFIG", rule = "a readable YAML file")
    @Option(
            names = CONFIG,
            paramLabel = "FILE",
            description =
                    "YAML configuration file (docs/configuration.md); flags and environment"
                            + " variables override its entries.")
    Path configFile;

    static final String CHECK_CONFIG = "--check-config";

    @Config(rule = "-")
    @Option(
            names = CHECK_CONFIG,
            description =
                    "Validate the configuration, print every option's effective value and origin,"
                            + " and exit without running the job.")
    boolean checkConfig;

    @Mixin InputCliOptions inputOptions = new InputCliOptions();

    @Mixin KafkaCliOptions kafkaOptions = new KafkaCliOptions();

    @Mixin OutputCliOptions outputOptions = new OutputCliOptions();

    @Mixin SchemaCliOptions schemaOptions = new SchemaCliOptions();

    @Mixin ExecutionCliOptions executionOptions = new ExecutionCliOptions();

    @Mixin EventTimeCliOptions eventTimeOptions = new EventTimeCliOptions();

    @Mixin ThresholdCliOptions thresholdOptions = new ThresholdCliOptions();

    @Mixin PipelineStatusCliOptions pipelineStatusOptions = new PipelineStatusCliOptions();

    @Mixin WebhookCliOptions webhookOptions = new WebhookCliOptions();

    @Mixin CheckpointCliOptions checkpointOptions = new CheckpointCliOptions();

    @Mixin MetricsCliOptions metricsOptions = new MetricsCliOptions();

    @Mixin DemoCliOptions demoOptions = new DemoCliOptions();

    @Mixin BackfillCliOptions backfillOptions = new BackfillCliOptions();

    @Mixin MetricSyncCliOptions metricSyncOptions = new MetricSyncCliOptions();

    public CxqMain() {
        this(System.getenv());
    }

    CxqMain(Map<String, String> env) {
        this(env, Deployment.LOCAL);
    }

    CxqMain(Map<String, String> env, Deployment deployment) {
        this.env = env;
        this.deployment = deployment;
    }

    /**
     * The program's entry point. A local run exits with the exit code. On a cluster {@code main}
     * runs inside the Flink client or the JobManager (application mode, REST {@code
     * /jars/:id/run}), where {@code System.exit} would end that process: there a failure is an
     * exception instead, which fails the submission with its message ({@code flink run} exits 1,
     * the REST API answers 500 with it).
     */
    public static void main(String[] args) {
        Deployment deployment = Deployment.detect();
        CxqMain main = new CxqMain(System.getenv(), deployment);
        int exitCode = main.execute(args);
        if (deployment.isLocal()) {
            System.exit(exitCode);
        } else if (exitCode != 0) {
            throw new IllegalStateException(
                    "cxq failed with exit code "
                            + exitCode
                            + (main.problems.isEmpty()
                                    ? ""
                                    : ": " + String.join("; ", main.problems)));
        }
    }

    /** Runs the command line locally and returns its exit code (the tests call this). */
    public static int run(String... args) {
        return run(System.getenv(), args);
    }

    /** Runs the command line locally with {@code env} as the process environment. */
    static int run(Map<String, String> env, String... args) {
        return new CxqMain(env).execute(args);
    }

    /** The options of the command line, as picocli reads them from a fresh instance. */
    static CommandSpec commandSpec() {
        return new CommandLine(new CxqMain()).getCommandSpec();
    }

    /** Runs the command line on this instance and returns its exit code. */
    int execute(String... args) {
        CommandLine commandLine = new CommandLine(this);
        ConfigReference.installHelp(commandLine);
        commandLine.setExitCodeExceptionMapper(e -> EXIT_JOB_FAILED);
        commandLine.setParameterExceptionHandler(
                (e, arguments) -> {
                    problems.add(e.getMessage());
                    commandLine.getErr().println("cxq: " + e.getMessage());
                    commandLine.getErr().println("Run with --help for the options.");
                    return EXIT_BAD_ARGUMENTS;
                });
        return commandLine.execute(args);
    }

    @Override
    public Integer call() throws Exception {
        List<String> errors = new ArrayList<>();
        origins =
                ConfigSources.apply(
                        spec.commandLine().getParseResult(),
                        env,
                        ConfigSources.configFile(configFile, env),
                        errors);
        errors.addAll(ConfigValidator.validate(this, origins));
        JobAssembly job = new JobAssembly(this, env, deployment, origins);
        WebhookSettings webhooks = null;
        if (errors.isEmpty()) {
            try {
                webhooks = webhookOptions.settings(env);
            } catch (IllegalArgumentException e) {
                errors.add(e.getMessage());
            }
            errors.addAll(ConfigValidator.unreadableSecrets(this));
        }
        if (!errors.isEmpty()) {
            errors.forEach(this::report);
            System.err.println("Run with --help for the options.");
            return EXIT_BAD_ARGUMENTS;
        }
        if (jdbcPasswordFlagRefused()) {
            return EXIT_BAD_ARGUMENTS;
        }
        if (checkConfig) {
            EffectiveConfiguration shown = new EffectiveConfiguration(this, origins, System.out);
            shown.printOptions();
            shown.printSecretLocations(outputOptions.jdbcPassword(env), webhooks);
            return 0;
        }
        PostgresConnection database = job.database();
        if (database != null) {
            int schema = prepareSchema(database);
            if (schema != 0) {
                return schema;
            }
        }
        if (schemaOptions.migrateOnly) {
            return 0;
        }
        if (metricSyncOptions.enabled()) {
            return runMetricSync(job, database);
        }
        if (webhookOptions.deliver) {
            return runDeliveries(webhooks, database);
        }
        CxqSinks sinks = job.sinks(database);
        if (webhooks.endpoints().isEmpty() || !deployment.isLocal()) {
            return runJob(job, database, sinks, webhooks);
        }
        return runJobBesideDeliveries(job, database, sinks, webhooks);
    }

    /** {@code --metric-sync}: one bounded round of the metric sync, no Flink job. */
    private int runMetricSync(JobAssembly job, PostgresConnection database) throws Exception {
        try {
            System.out.println("cxq: metric sync caught up: " + job.metricSync().run(database));
            return 0;
        } catch (MetricSyncException e) {
            report("metric sync stopped, the rest stays pending: " + e.getMessage());
            return EXIT_JOB_FAILED;
        }
    }

    /** {@code --deliver}: the outbox's delivery workers, with their metrics endpoint if asked. */
    private int runDeliveries(WebhookSettings webhooks, PostgresConnection database)
            throws Exception {
        WebhookDeliveries deliveries = deliveries(webhooks, database);
        Integer metricsPort = webhookOptions.deliverMetricsPort;
        // A null resource is allowed: no endpoint without the option.
        try (PrometheusEndpoint metrics =
                metricsPort == null
                        ? null
                        : PrometheusEndpoint.start(metricsPort, deliveries::writeMetrics)) {
            List<EndpointReport> delivered = deliveries.run(webhookOptions.deliverUntilDrained);
            System.out.println("cxq: webhook delivery: " + WebhookDeliveries.describe(delivered));
        }
        return 0;
    }

    /** A local run delivers its own transitions; on a cluster, {@code --deliver} does. */
    private int runJobBesideDeliveries(
            JobAssembly job, PostgresConnection database, CxqSinks sinks, WebhookSettings webhooks)
            throws Exception {
        WebhookDeliveries deliveries = deliveries(webhooks, database);
        deliveries.start();
        try {
            return runJob(job, database, sinks, webhooks);
        } finally {
            List<EndpointReport> delivered = deliveries.finish();
            long queued = WebhookDeliveries.queued(delivered);
            System.out.println(
                    "cxq: webhook delivery: "
                            + WebhookDeliveries.describe(delivered)
                            + (queued > 0
                                    ? "; the queued transitions stay in "
                                            + CxqTables.WEBHOOK_OUTBOX.name()
                                            + " for a later run or --deliver"
                                    : ""));
        }
    }

    /** The delivery workers of the outbox the output options point at. */
    private WebhookDeliveries deliveries(WebhookSettings webhooks, PostgresConnection database) {
        return database != null
                ? WebhookDeliveries.of(webhooks, database)
                : WebhookDeliveries.of(webhooks, outputOptions.outputDir);
    }

    /** Runs the demo, or the job on its input until the input ends (or forever, for Kafka). */
    private int runJob(
            JobAssembly job, PostgresConnection database, CxqSinks sinks, WebhookSettings webhooks)
            throws Exception {
        PipelineSettings settings = job.settings();
        if (demoOptions.demo) {
            return new DemoRun(demoOptions.settings(), System.out)
                    .run(
                            job.flinkConfiguration(RuntimeExecutionMode.STREAMING),
                            (source, demoReceiver, env) ->
                                    job.pipeline(
                                                    source,
                                                    sinks,
                                                    settings,
                                                    webhooks.plus(demoReceiver))
                                            .build(env),
                            job.outputLocation(),
                            new DemoMetricSync.Source(
                                    database,
                                    outputOptions.outputDir,
                                    outputOptions.metricVersion));
        }
        Configuration conf = job.flinkConfiguration(executionOptions.replayMode());
        CxqPipeline pipeline = job.pipeline(job.source(), sinks, settings, webhooks);
        String jobName = job.jobName();
        job.recordBackfill(database, false);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        pipeline.build(env);
        JobExecutionResult result;
        try {
            result = env.execute(jobName);
        } catch (Exception e) {
            report("the job failed: " + rootMessage(e));
            LOG.error("The job failed", e);
            return EXIT_JOB_FAILED;
        }
        if (!result.isJobExecutionResult()) {
            // A detached submission (REST /jars/:id/run, flink run -d): the job runs on.
            System.out.println("cxq: submitted job " + result.getJobID() + " (" + jobName + ")");
            return 0;
        }
        // Only now may the dashboards switch to this metric version.
        job.recordBackfill(database, true);
        System.out.println("cxq: " + job.committedSummary());
        return 0;
    }

    /**
     * {@code --jdbc-password} on a cluster is refused (the Flink web UI shows program arguments);
     * in a local run it is warned about.
     */
    private boolean jdbcPasswordFlagRefused() {
        if (outputOptions.jdbcPassword == null) {
            return false;
        }
        if (StreamExecutionEnvironment.getExecutionEnvironment()
                instanceof StreamContextEnvironment) {
            System.err.println(
                    "cxq: "
                            + OutputCliOptions.JDBC_PASSWORD
                            + " is refused on a cluster: the Flink web UI shows program"
                            + " arguments; use "
                            + OutputCliOptions.JDBC_PASSWORD_ENV
                            + " or "
                            + OutputCliOptions.JDBC_PASSWORD_FILE);
            return true;
        }
        System.err.println(
                "cxq: warning: "
                        + OutputCliOptions.JDBC_PASSWORD
                        + " is visible in the process list; prefer "
                        + OutputCliOptions.JDBC_PASSWORD_ENV
                        + " or "
                        + OutputCliOptions.JDBC_PASSWORD_FILE);
        return false;
    }

    /**
     * The Flink configuration that the parsed options give a run in {@code replayMode}; the
     * production configuration for tests that build the topology themselves.
     */
    public Configuration flinkConfiguration(RuntimeExecutionMode replayMode) {
        return new JobAssembly(this, env, deployment, origins).flinkConfiguration(replayMode);
    }

    /** The webhook settings of the parsed options, with {@code env} as the process environment. */
    public WebhookSettings webhookSettings(Map<String, String> env) {
        return webhookOptions.settings(env);
    }

    /**
     * Migrates the schema, or verifies it ({@link SchemaCliOptions}); returns 0, or the exit code
     * of a database that cannot be reached, migrated or is behind.
     */
    private int prepareSchema(PostgresConnection database) {
        try {
            if (schemaOptions.migrateOnly
                    || schemaOptions.mode(deployment).equals(SchemaCliOptions.MIGRATE)) {
                int applied = SchemaMigrations.migrate(database, env);
                LOG.info("Database schema is current ({} migrations applied now)", applied);
                if (schemaOptions.migrateOnly) {
                    System.out.println(
                            "cxq: the database schema at "
                                    + outputOptions.jdbcUrl
                                    + " is current ("
                                    + applied
                                    + " migrations applied now)");
                }
            } else {
                String version = SchemaMigrations.verify(database, env);
                LOG.info("Database schema verified: version {}", version);
            }
            return 0;
        } catch (FlywayException e) {
            report(
                    "cannot reach or migrate the database at "
                            + outputOptions.jdbcUrl
                            + ": "
                            + rootMessage(e));
            return EXIT_DATABASE;
        } catch (SchemaMigrations.SchemaBehindException e) {
            report(e.getMessage());
            return EXIT_DATABASE;
        }
    }

    /** Tells the user about a problem that ends the run. */
    private void report(String problem) {
        problems.add(problem);
        System.err.println("cxq: " + problem);
    }

    private static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getMessage() == null ? root.toString() : root.getMessage();
    }
}
