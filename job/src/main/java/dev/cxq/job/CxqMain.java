package dev.cxq.job;

import dev.cxq.job.backfill.BackfillRuns;
import dev.cxq.job.backfill.BackfillSettings;
import dev.cxq.job.backfill.BackfillSource;
import dev.cxq.job.db.PostgresConnection;
import dev.cxq.job.db.SchemaMigrations;
import dev.cxq.job.demo.DemoRun;
import dev.cxq.job.kafka.KafkaInput;
import dev.cxq.job.metricsync.MetricSync;
import dev.cxq.job.metricsync.MetricSyncException;
import dev.cxq.job.metricsync.MetricSyncReport;
import dev.cxq.job.secret.Redaction;
import dev.cxq.job.secret.SecretRef;
import dev.cxq.job.sink.CxqSinks;
import dev.cxq.job.sink.CxqTables;
import dev.cxq.job.sink.JdbcSinks;
import dev.cxq.job.sink.JsonLinesSinks;
import dev.cxq.job.sink.KafkaJsonSink;
import dev.cxq.job.sink.webhook.JsonLinesDeliveryLog;
import dev.cxq.job.sink.webhook.WebhookEndpoint;
import dev.cxq.job.sink.webhook.WebhookSettings;
import dev.cxq.job.source.ReplaySource;
import dev.cxq.udf.interaction.InteractionSettings;
import dev.cxq.udf.quality.QualityThresholds;
import dev.cxq.udf.rows.QualityAlert;

import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.api.common.RuntimeExecutionMode;
import org.apache.flink.client.program.StreamContextEnvironment;
import org.apache.flink.configuration.BatchExecutionOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.CoreOptions;
import org.apache.flink.configuration.ExecutionOptions;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

import org.flywaydb.core.api.FlywayException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.stream.Stream;

/**
 * The cxq command line: a bounded replay of JSON Lines files into PostgreSQL (or into JSON Lines
 * files when no database is given). Exit codes: 0 when every result is committed, 1 when the job
 * failed, 2 for bad arguments, 3 when the database cannot be reached or migrated.
 *
 * <p>Each option may also come from its {@code CXQ_*} environment variable or the {@code --config}
 * YAML file ({@link ConfigKeys}, {@link ConfigSources}); the result is validated as a whole by
 * {@link ConfigValidator} before anything starts.
 */
@Command(
        name = "cxq",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = "Contact-center session quality, interaction KPIs and recording compliance.")
public final class CxqMain implements Callable<Integer> {

    static final int EXIT_JOB_FAILED = 1;
    static final int EXIT_BAD_ARGUMENTS = 2;
    static final int EXIT_DATABASE = 3;

    /** The environment variables that may hold a secret of the simple configuration. */
    static final String JDBC_PASSWORD_ENV = "CXQ_JDBC_PASSWORD";

    static final String SIGNING_SECRET_ENV = "CXQ_SIGNING_SECRET";

    private static final Logger LOG = LoggerFactory.getLogger(CxqMain.class);

    /** The process environment: variables for every option, and the secrets. */
    final Map<String, String> env;

    /** A local run, or a run on a cluster whose configuration rules the Flink settings. */
    private final Deployment deployment;

    /** Where each option's value came from; filled when the command line runs. */
    private ConfigSources.Origins origins = new ConfigSources.Origins();

    /** The problems reported to the user, for the exception that ends a run on a cluster. */
    private final List<String> problems = new ArrayList<>();

    @Spec CommandSpec spec;

    @Option(
            names = "--config",
            paramLabel = "FILE",
            description =
                    "YAML configuration file (docs/configuration.md); flags and environment"
                            + " variables override its entries.")
    Path configFile;

    @Option(
            names = "--check-config",
            description =
                    "Validate the configuration, print every option's effective value and origin,"
                            + " and exit without running the job.")
    boolean checkConfig;

    @Option(
            names = "--input",
            description =
                    "A .jsonl file, or a directory whose *.jsonl files are replayed."
                            + " Exactly one of --input and --kafka-bootstrap is required.")
    Path input;

    @Option(
            names = "--kafka-bootstrap",
            description =
                    "Kafka bootstrap servers HOST:PORT[,...]: read the topics instead of files.")
    String kafkaBootstrap;

    @Option(names = "--kafka-topics", split = ",", description = "Topics to read, comma-separated.")
    List<String> kafkaTopics;

    @Option(names = "--kafka-group-id", defaultValue = "cxq", description = "Consumer group.")
    String kafkaGroupId;

    @Option(
            names = "--starting-offsets",
            defaultValue = "committed",
            description =
                    "earliest, latest, committed (earliest for a new group) or timestamp:MILLIS.")
    String startingOffsets;

    @Option(
            names = "--until",
            description =
                    "latest: stop once the offsets that were latest at start are read (backfills).")
    String until;

    @Option(
            names = "--kafka-property",
            description =
                    "A Kafka client property KEY=VALUE for consumers and producers (SASL, TLS, ...);"
                            + " repeatable. A credential (sasl.jaas.config, *password*, *secret*)"
                            + " only as a config provider variable: ${env:VARIABLE},"
                            + " ${file:FILE:KEY} or ${dir:DIRECTORY:FILE}.")
    Map<String, String> kafkaProperties = new LinkedHashMap<>();

    @Option(
            names = "--dead-letter-topic",
            description = "Also write rejected and late events to this Kafka topic.")
    String deadLetterTopic;

    @Option(
            names = "--alerts-topic",
            description =
                    "Also write every alert transition to this Kafka topic, exactly once"
                            + " (transactions; read it with isolation.level=read_committed).")
    String alertsTopic;

    @Option(
            names = "--transactional-id-prefix",
            defaultValue = "cxq-alerts",
            description =
                    "Prefix of the alerts topic's Kafka transactional ids; unique per job in the"
                            + " Kafka cluster.")
    String transactionalIdPrefix;

    @Option(
            names = "--signing-secret-file",
            description =
                    "File holding the HMAC-SHA256 secret of signed payloads. Without it the secret"
                            + " is read from the environment variable "
                            + SIGNING_SECRET_ENV
                            + "; without either, --kafka-allow-unsigned-input is required.")
    Path signingSecretFile;

    @Option(
            names = "--kafka-allow-unsigned-input",
            description =
                    "Accept Kafka records without checking their signature (no signing secret).")
    boolean kafkaAllowUnsignedInput;

    @Option(
            names = "--signature-header",
            defaultValue = "X-Cxq-Signature",
            description = "Kafka header carrying the hex HMAC-SHA256 of the record value.")
    String signatureHeader;

    @Option(
            names = "--source-idleness",
            defaultValue = "30s",
            converter = DurationConverter.class,
            description =
                    "A source split (Kafka partition, replayed file) without records for this long"
                            + " stops holding event time back.")
    Duration sourceIdleness;

    @Option(
            names = "--jdbc-url",
            description = "PostgreSQL URL, e.g. jdbc:postgresql://127.0.0.1:5432/cxq.")
    String jdbcUrl;

    @Option(names = "--jdbc-user", description = "Database user.")
    String jdbcUser;

    @Option(
            names = "--jdbc-password",
            description =
                    "Database password, for a local run only (the replay contract): visible in the"
                            + " process list, and refused on a cluster, whose web UI shows"
                            + " program arguments. Prefer "
                            + JDBC_PASSWORD_ENV
                            + " or --jdbc-password-file.")
    String jdbcPassword;

    @Option(
            names = "--jdbc-password-file",
            paramLabel = "FILE",
            description =
                    "File holding the database password; wins over "
                            + JDBC_PASSWORD_ENV
                            + ", loses to --jdbc-password.")
    Path jdbcPasswordFile;

    @Option(
            names = "--output-dir",
            defaultValue = "cxq-output",
            description = "Where the tables are written as JSON Lines when no --jdbc-url is given.")
    Path outputDir;

    @Option(
            names = "--metric-version",
            defaultValue = "1",
            description =
                    "Version written with every metric row; a backfill writes a new one beside the current.")
    int metricVersion;

    @Option(
            names = "--execution-mode",
            defaultValue = "batch",
            description =
                    "Flink runtime mode of the bounded replay: batch or streaming (same results).")
    String executionMode;

    @Option(
            names = "--parallelism",
            defaultValue = "2",
            description = "Parallelism of every operator.")
    int parallelism;

    @Option(
            names = "--max-out-of-orderness",
            defaultValue = "10s",
            converter = DurationConverter.class,
            description = "Watermark bound: how late events may arrive and still count in order.")
    Duration maxOutOfOrderness;

    @Option(
            names = "--session-timeout",
            defaultValue = "30m",
            converter = DurationConverter.class,
            description = "Event time without any event after which a session ends.")
    Duration sessionTimeout;

    @Option(
            names = "--degraded-mos-below",
            defaultValue = "3.5",
            description =
                    "A sample whose MOS (measured or E-model estimate) is below this is degraded.")
    double degradedMosBelow;

    @Option(
            names = "--degraded-packet-loss-above",
            defaultValue = "2.0",
            description = "A sample whose packet loss (%%) is above this is degraded.")
    double degradedPacketLossAbove;

    @Option(
            names = "--degraded-video-bitrate-below",
            defaultValue = "500",
            description = "A video sample whose bitrate (kbps) is below this is degraded.")
    double degradedVideoBitrateBelow;

    @Option(
            names = "--critical-mos-below",
            defaultValue = "3.2",
            description =
                    "An incident is critical when every MOS of its hysteresis window is below this.")
    double criticalMosBelow;

    @Option(
            names = "--alert-hysteresis",
            defaultValue = "30s",
            converter = DurationConverter.class,
            description =
                    "Continuous degradation before an incident fires, and health before it resolves.")
    Duration alertHysteresis;

    @Option(
            names = "--media-gap-after",
            defaultValue = "15s",
            converter = DurationConverter.class,
            description = "Silence of a connected session after which a media_gap warning fires.")
    Duration mediaGapAfter;

    @Option(
            names = "--dedup-retention",
            defaultValue = "48h",
            converter = DurationConverter.class,
            description = "How long a seen event_id is remembered, to drop platform redeliveries.")
    Duration dedupRetention;

    @Option(
            names = "--dedup-retention-media-samples",
            converter = DurationConverter.class,
            description =
                    "How long a media sample's event_id is remembered, if shorter: a sample"
                            + " redelivered later changes no quality output, it goes to"
                            + " late_events. Most of the dedup state (docs/dedup.md).")
    Duration mediaSampleDedupRetention;

    @Mixin WebhookCliOptions webhookOptions = new WebhookCliOptions();

    @Mixin CheckpointCliOptions checkpointOptions = new CheckpointCliOptions();

    @Mixin MetricsCliOptions metricsOptions = new MetricsCliOptions();

    @Mixin EventTimeCliOptions eventTimeOptions = new EventTimeCliOptions();

    @Mixin DemoCliOptions demoOptions = new DemoCliOptions();

    @Mixin BackfillCliOptions backfillOptions = new BackfillCliOptions();

    @Mixin SchemaCliOptions schemaOptions = new SchemaCliOptions();

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
        ConfigSources.Origins origins =
                ConfigSources.apply(
                        spec.commandLine().getParseResult(),
                        env,
                        ConfigSources.configFile(configFile, env),
                        errors);
        this.origins = origins;
        errors.addAll(ConfigValidator.validate(this, origins));
        WebhookSettings webhookSettings = null;
        SecretRef password = jdbcPassword();
        if (errors.isEmpty()) {
            try {
                webhookSettings = webhookOptions.settings(env);
            } catch (IllegalArgumentException e) {
                errors.add(e.getMessage());
            }
            checkPresent("the database password", password, errors);
            if (kafkaBootstrap != null) {
                checkPresent("the input signing secret", signingSecret(), errors);
            }
        }
        if (!errors.isEmpty()) {
            errors.forEach(this::report);
            System.err.println("Run with --help for the options.");
            return EXIT_BAD_ARGUMENTS;
        }
        if (jdbcPassword != null) {
            if (StreamExecutionEnvironment.getExecutionEnvironment()
                    instanceof StreamContextEnvironment) {
                System.err.println(
                        "cxq: --jdbc-password is refused on a cluster: the Flink web UI shows"
                                + " program arguments; use "
                                + JDBC_PASSWORD_ENV
                                + " or --jdbc-password-file");
                return EXIT_BAD_ARGUMENTS;
            }
            System.err.println(
                    "cxq: warning: --jdbc-password is visible in the process list; prefer "
                            + JDBC_PASSWORD_ENV
                            + " or --jdbc-password-file");
        }
        if (checkConfig) {
            printEffectiveConfiguration(origins);
            printSecretLocations(password, webhookSettings);
            return 0;
        }
        RuntimeExecutionMode mode =
                executionMode.equals("streaming")
                        ? RuntimeExecutionMode.STREAMING
                        : RuntimeExecutionMode.BATCH;
        QualityThresholds thresholds =
                new QualityThresholds(
                        degradedMosBelow,
                        degradedPacketLossAbove,
                        degradedVideoBitrateBelow,
                        criticalMosBelow,
                        alertHysteresis,
                        alertHysteresis,
                        mediaGapAfter);

        PostgresConnection database =
                jdbcUrl == null ? null : PostgresConnection.of(jdbcUrl, jdbcUser, password);
        if (database != null) {
            try {
                prepareSchema(database);
            } catch (FlywayException e) {
                report(
                        "cannot reach or migrate the database at "
                                + jdbcUrl
                                + ": "
                                + rootMessage(e));
                return EXIT_DATABASE;
            } catch (SchemaMigrations.SchemaBehindException e) {
                report(e.getMessage());
                return EXIT_DATABASE;
            }
        }
        if (schemaOptions.migrateOnly) {
            return 0;
        }
        if (metricSyncOptions.enabled()) {
            try {
                MetricSyncReport synced =
                        new MetricSync(metricSyncOptions.settings(metricVersion), database).run();
                System.out.println("cxq: metric sync caught up: " + synced);
                return 0;
            } catch (MetricSyncException e) {
                report("metric sync stopped, the rest stays pending: " + e.getMessage());
                return EXIT_JOB_FAILED;
            }
        }
        CxqSinks sinks;
        if (database != null) {
            sinks = new JdbcSinks(database, metricVersion);
        } else {
            if (deployment.isLocal() && checkpointOptions.restoreFrom == null) {
                // Not on a cluster, where main() runs again after a JobManager failover and the
                // directory holds the running job's committed files; nor when resuming.
                clearTableDirectories(outputDir);
            }
            sinks = new JsonLinesSinks(outputDir, metricVersion);
        }

        Configuration conf = flinkConfiguration(mode);
        PipelineSettings settings =
                new PipelineSettings(
                        maxOutOfOrderness,
                        sessionTimeout,
                        thresholds,
                        InteractionSettings.defaults(),
                        dedupRetention,
                        mediaSampleDedupRetention != null
                                ? mediaSampleDedupRetention
                                : dedupRetention,
                        sourceIdleness,
                        eventTimeOptions.limits());
        if (demoOptions.demo) {
            WebhookSettings webhooks = webhookSettings;
            return new DemoRun(demoOptions.settings(), System.out)
                    .run(
                            flinkConfiguration(RuntimeExecutionMode.STREAMING),
                            (source, env) ->
                                    new CxqPipeline(source, sinks, settings, webhooks).build(env),
                            jdbcUrl != null ? jdbcUrl : outputDir.toAbsolutePath().toString());
        }
        CxqPipeline pipeline;
        String jobName;
        BackfillRuns backfillRuns = null;
        if (kafkaBootstrap != null) {
            Map<String, String> kafkaClientProperties = kafkaClientProperties();
            KafkaInput kafka = kafkaInput(kafkaClientProperties);
            pipeline = new CxqPipeline(kafka.source(), sinks, settings, webhookSettings);
            if (alertsTopic != null) {
                pipeline.withAlertsTopic(
                        KafkaJsonSink.of(
                                kafkaBootstrap,
                                alertsTopic,
                                kafkaClientProperties,
                                DeliveryGuarantee.EXACTLY_ONCE,
                                transactionalIdPrefix,
                                QualityAlert::incidentKey));
            }
            if (deadLetterTopic != null) {
                pipeline.withDeadLetters(
                        KafkaJsonSink.of(
                                kafkaBootstrap,
                                deadLetterTopic,
                                kafkaClientProperties,
                                DeliveryGuarantee.AT_LEAST_ONCE,
                                null));
            }
            jobName = "cxq kafka " + String.join(",", kafkaTopics);
        } else if (backfillOptions.enabled()) {
            BackfillSettings backfill = backfillOptions.settings();
            pipeline =
                    new CxqPipeline(new BackfillSource(backfill), sinks, settings, webhookSettings);
            jobName = "cxq backfill " + backfill.platform().wireName();
            if (database != null) {
                backfillRuns = new BackfillRuns(database);
                backfillRuns.started(backfill, metricVersion);
            }
        } else {
            pipeline = new CxqPipeline(ReplaySource.of(input), sinks, settings, webhookSettings);
            jobName = "cxq replay " + input.getFileName();
        }
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
        if (backfillRuns != null) {
            // Only now may the dashboards switch to this metric version.
            backfillRuns.completed(backfillOptions.settings(), metricVersion);
        }
        System.out.println(
                "cxq: "
                        + (input != null
                                ? "replay of " + input
                                : backfillOptions.enabled()
                                        ? "backfill of " + backfillOptions.platform
                                        : "run on " + kafkaTopics)
                        + " committed to "
                        + (jdbcUrl != null ? jdbcUrl : outputDir.toAbsolutePath()));
        return 0;
    }

    /**
     * The Flink configuration of the run: Kafka is always read in streaming mode; streaming runs
     * checkpoint (offsets, Kafka transactions, JDBC batches) and restart on failure.
     */
    Configuration flinkConfiguration(RuntimeExecutionMode replayMode) {
        Configuration conf = new Configuration();
        if (deployment.setsOption("--parallelism", origins)) {
            conf.set(CoreOptions.DEFAULT_PARALLELISM, parallelism);
        }
        RuntimeExecutionMode mode =
                kafkaBootstrap != null ? RuntimeExecutionMode.STREAMING : replayMode;
        conf.set(ExecutionOptions.RUNTIME_MODE, mode);
        // Every operator runs at --parallelism: Flink's batch scheduler would otherwise pick each
        // vertex's parallelism from its input volume at run time (issue 13).
        conf.set(BatchExecutionOptions.ADAPTIVE_AUTO_PARALLELISM_ENABLED, false);
        if (mode == RuntimeExecutionMode.STREAMING) {
            checkpointOptions.applyTo(conf, deployment, origins);
        }
        metricsOptions.applyTo(conf);
        return conf;
    }

    /** Migrates the schema, or verifies it ({@link SchemaCliOptions}). */
    private void prepareSchema(PostgresConnection database) {
        if (schemaOptions.migrateOnly
                || schemaOptions.mode(deployment).equals(SchemaCliOptions.MIGRATE)) {
            int applied = SchemaMigrations.migrate(database, env);
            LOG.info("Database schema is current ({} migrations applied now)", applied);
            if (schemaOptions.migrateOnly) {
                System.out.println(
                        "cxq: the database schema at "
                                + jdbcUrl
                                + " is current ("
                                + applied
                                + " migrations applied now)");
            }
        } else {
            String version = SchemaMigrations.verify(database, env);
            LOG.info("Database schema verified: version {}", version);
        }
    }

    /** Tells the user about a problem that ends the run. */
    private void report(String problem) {
        problems.add(problem);
        System.err.println("cxq: " + problem);
    }

    private KafkaInput kafkaInput(Map<String, String> clientProperties) {
        SecretRef secret = signingSecret();
        LOG.info(
                "Reading Kafka topics {} from {} (group {}, starting offsets {}{}); signatures {}",
                kafkaTopics,
                kafkaBootstrap,
                kafkaGroupId,
                startingOffsets,
                until != null ? ", until latest" : "",
                secret == null
                        ? "not checked (--kafka-allow-unsigned-input)"
                        : "checked, header " + signatureHeader + ", secret in " + secret);
        return new KafkaInput(
                kafkaBootstrap,
                kafkaTopics,
                kafkaGroupId,
                startingOffsets,
                until != null,
                clientProperties,
                secret,
                signatureHeader);
    }

    /**
     * The Kafka client properties: the user's, plus Kafka's built-in config providers {@code env},
     * {@code file} and {@code dir} when the user declares none, so that a credential given as
     * {@code ${env:X}} is resolved by the client on the task manager and never travels in the job.
     */
    Map<String, String> kafkaClientProperties() {
        Map<String, String> properties = new LinkedHashMap<>(kafkaProperties);
        if (!properties.containsKey("config.providers")) {
            properties.put("config.providers", "env,file,dir");
            String providers = "org.apache.kafka.common.config.provider.";
            properties.put("config.providers.env.class", providers + "EnvVarConfigProvider");
            properties.put("config.providers.file.class", providers + "FileConfigProvider");
            properties.put("config.providers.dir.class", providers + "DirectoryConfigProvider");
        }
        return properties;
    }

    /** Where the input signing secret is: the file, else {@code CXQ_SIGNING_SECRET} if set. */
    SecretRef signingSecret() {
        return secretRef(signingSecretFile, SIGNING_SECRET_ENV);
    }

    /**
     * Where the database password is: {@code --jdbc-password} (held by this process), else the
     * file, else {@code CXQ_JDBC_PASSWORD} if set.
     */
    SecretRef jdbcPassword() {
        if (jdbcPassword != null) {
            return SecretRef.heldByThisProcess(jdbcPassword);
        }
        return secretRef(jdbcPasswordFile, JDBC_PASSWORD_ENV);
    }

    private SecretRef secretRef(Path file, String variable) {
        if (file != null) {
            return SecretRef.file(file);
        }
        String value = env.get(variable);
        return value == null || value.isBlank() ? null : SecretRef.env(variable);
    }

    /** Reads the secret once, so a missing or empty one is a configuration error, not a crash. */
    private void checkPresent(String what, SecretRef secret, List<String> errors) {
        if (secret == null) {
            return;
        }
        try {
            secret.read(env);
        } catch (IllegalStateException | UncheckedIOException e) {
            errors.add(what + ": " + e.getMessage());
        }
    }

    /** Prints each option's effective value and where it came from; secrets are masked. */
    private void printEffectiveConfiguration(ConfigSources.Origins origins) {
        System.out.println("cxq: the configuration is valid");
        for (OptionSpec option : ConfigReference.options(spec)) {
            String flag = option.longestName();
            if (flag.equals("--check-config")) {
                continue;
            }
            ConfigKeys.Entry entry = ConfigKeys.forFlag(flag).orElse(null);
            String name = entry != null && entry.key() != null ? entry.key() : flag;
            Optional<String> fromCluster = deployment.clusterValue(flag, origins);
            if (fromCluster.isPresent()) {
                System.out.println("  " + name + " = " + fromCluster.get());
                continue;
            }
            Object value =
                    flag.equals("--schema") ? schemaOptions.mode(deployment) : option.getValue();
            String shown = value == null ? "none" : shown(flag, value);
            ConfigSources.Origin origin = origins.of(flag);
            System.out.println(
                    "  "
                            + name
                            + " = "
                            + shown
                            + "  ("
                            + origin.source().name().toLowerCase(Locale.ROOT)
                            + (origin.source() == ConfigSources.Source.DEFAULT
                                    ? ""
                                    : " " + origin.name())
                            + ")");
        }
    }

    /** An option's value as shown: URLs without their path, Kafka credentials masked. */
    @SuppressWarnings("unchecked")
    private static String shown(String flag, Object value) {
        return switch (flag) {
            case "--webhook-url" ->
                    ((List<String>) value)
                            .stream()
                                    .map(url -> Redaction.url(URI.create(url)))
                                    .toList()
                                    .toString();
            case "--webhook-endpoint" ->
                    ((List<String>) value)
                            .stream().map(WebhookCliOptions::shownEndpoint).toList().toString();
            case "--kafka-property" ->
                    Redaction.kafkaProperties((Map<String, String>) value).toString();
            case "--jdbc-url" -> Redaction.jdbcUrl((String) value);
            case "--jdbc-password" -> Redaction.MASK;
            default -> String.valueOf(value);
        };
    }

    /** Where each secret is read from (docs/secrets.md); never a secret itself. */
    private void printSecretLocations(SecretRef password, WebhookSettings webhooks) {
        System.out.println("cxq: secrets, read where they are used:");
        System.out.println("  database password: " + (password == null ? "none" : password));
        if (kafkaBootstrap != null) {
            SecretRef signing = signingSecret();
            System.out.println(
                    "  input signing secret: "
                            + (signing == null ? "none (unsigned input allowed)" : signing));
        }
        for (WebhookEndpoint endpoint : webhooks.endpoints()) {
            System.out.println(
                    "  webhook "
                            + endpoint
                            + ": url "
                            + (endpoint.urlRef() == null ? "inline" : "in " + endpoint.urlRef())
                            + ", token "
                            + (endpoint.token() == null ? "none" : "in " + endpoint.token())
                            + ", signing secret "
                            + (endpoint.signingSecret() == null
                                    ? "none"
                                    : "in " + endpoint.signingSecret()));
        }
    }

    /**
     * Removes the table directories of a previous file-mode run, so its part files do not linger.
     */
    private static void clearTableDirectories(Path outputDir) throws IOException {
        List<String> tables = new ArrayList<>();
        CxqTables.ALL.forEach(table -> tables.add(table.name()));
        tables.add(JsonLinesDeliveryLog.TABLE);
        for (String table : tables) {
            Path dir = outputDir.resolve(table);
            if (Files.isDirectory(dir)) {
                try (Stream<Path> walk = Files.walk(dir)) {
                    for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                        Files.delete(p);
                    }
                }
            }
        }
    }

    private static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getMessage() == null ? root.toString() : root.getMessage();
    }
}
