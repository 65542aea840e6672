package dev.cxq.job;

import dev.cxq.job.db.SchemaMigrations;
import dev.cxq.job.demo.DemoRun;
import dev.cxq.job.kafka.KafkaInput;
import dev.cxq.job.kafka.SigningSecret;
import dev.cxq.job.kafka.StartingOffsets;
import dev.cxq.job.sink.CxqSinks;
import dev.cxq.job.sink.CxqTables;
import dev.cxq.job.sink.JdbcSinks;
import dev.cxq.job.sink.JsonLinesSinks;
import dev.cxq.job.sink.KafkaJsonSink;
import dev.cxq.job.sink.webhook.JsonLinesDeliveryLog;
import dev.cxq.job.sink.webhook.WebhookSettings;
import dev.cxq.job.source.ReplaySource;
import dev.cxq.udf.interaction.InteractionSettings;
import dev.cxq.udf.quality.QualityThresholds;

import org.apache.flink.api.common.RuntimeExecutionMode;
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
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.stream.Stream;

/**
 * The cxq command line: a bounded replay of JSON Lines files into PostgreSQL (or into JSON Lines
 * files when no database is given). Exit codes: 0 when every result is committed, 1 when the job
 * failed, 2 for bad arguments, 3 when the database cannot be reached or migrated.
 */
@Command(
        name = "cxq",
        mixinStandardHelpOptions = true,
        showDefaultValues = true,
        sortOptions = false,
        description = "Contact-center session quality, interaction KPIs and recording compliance.")
public final class CxqMain implements Callable<Integer> {

    static final int EXIT_JOB_FAILED = 1;
    static final int EXIT_BAD_ARGUMENTS = 2;
    static final int EXIT_DATABASE = 3;

    private static final Logger LOG = LoggerFactory.getLogger(CxqMain.class);

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
                            + " repeatable. Keep secrets in a JAAS or properties file it points to.")
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
                            + " is read from the environment variable CXQ_SIGNING_SECRET, if set;"
                            + " without either, payloads are not checked.")
    Path signingSecretFile;

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
            description = "Database password; prefer the CXQ_JDBC_PASSWORD environment variable.")
    String jdbcPassword;

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

    @Mixin WebhookCliOptions webhookOptions = new WebhookCliOptions();

    @Mixin CheckpointCliOptions checkpointOptions = new CheckpointCliOptions();

    @Mixin MetricsCliOptions metricsOptions = new MetricsCliOptions();

    @Mixin DemoCliOptions demoOptions = new DemoCliOptions();

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs the command line and returns its exit code (the tests call this). */
    public static int run(String... args) {
        CommandLine commandLine = new CommandLine(new CxqMain());
        commandLine.setExitCodeExceptionMapper(e -> EXIT_JOB_FAILED);
        commandLine.setParameterExceptionHandler(
                (e, arguments) -> {
                    commandLine.getErr().println("cxq: " + e.getMessage());
                    commandLine.getErr().println("Run with --help for the options.");
                    return EXIT_BAD_ARGUMENTS;
                });
        return commandLine.execute(args);
    }

    @Override
    public Integer call() throws Exception {
        RuntimeExecutionMode mode;
        QualityThresholds thresholds;
        WebhookSettings webhookSettings;
        try {
            mode = parseMode(executionMode);
            validate();
            thresholds = qualityThresholds();
            webhookSettings = webhookOptions.settings(System.getenv());
        } catch (IllegalArgumentException e) {
            System.err.println("cxq: " + e.getMessage());
            return EXIT_BAD_ARGUMENTS;
        }
        String password = jdbcPassword != null ? jdbcPassword : System.getenv("CXQ_JDBC_PASSWORD");

        CxqSinks sinks;
        if (jdbcUrl != null) {
            try {
                int applied = SchemaMigrations.migrate(jdbcUrl, jdbcUser, password);
                LOG.info("Database schema is current ({} migrations applied now)", applied);
            } catch (FlywayException e) {
                System.err.println(
                        "cxq: cannot reach or migrate the database at "
                                + jdbcUrl
                                + ": "
                                + rootMessage(e));
                return EXIT_DATABASE;
            }
            sinks = new JdbcSinks(jdbcUrl, jdbcUser, password, metricVersion);
        } else {
            clearTableDirectories(outputDir);
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
                        sourceIdleness);
        if (demoOptions.demo) {
            return new DemoRun(demoOptions.settings(), System.out)
                    .run(
                            flinkConfiguration(RuntimeExecutionMode.STREAMING),
                            (source, env) ->
                                    new CxqPipeline(source, sinks, settings, webhookSettings)
                                            .build(env),
                            jdbcUrl != null ? jdbcUrl : outputDir.toAbsolutePath().toString());
        }
        CxqPipeline pipeline;
        String jobName;
        if (kafkaBootstrap != null) {
            KafkaInput kafka = kafkaInput();
            pipeline = new CxqPipeline(kafka.source(), sinks, settings, webhookSettings);
            if (alertsTopic != null) {
                pipeline.withAlertsTopic(
                        KafkaJsonSink.of(
                                kafkaBootstrap,
                                alertsTopic,
                                kafkaProperties,
                                DeliveryGuarantee.EXACTLY_ONCE,
                                transactionalIdPrefix));
            }
            if (deadLetterTopic != null) {
                pipeline.withDeadLetters(
                        KafkaJsonSink.of(
                                kafkaBootstrap,
                                deadLetterTopic,
                                kafkaProperties,
                                DeliveryGuarantee.AT_LEAST_ONCE,
                                null));
            }
            jobName = "cxq kafka " + String.join(",", kafkaTopics);
        } else {
            pipeline = new CxqPipeline(ReplaySource.of(input), sinks, settings, webhookSettings);
            jobName = "cxq replay " + input.getFileName();
        }
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        pipeline.build(env);
        try {
            env.execute(jobName);
        } catch (Exception e) {
            System.err.println("cxq: the job failed: " + rootMessage(e));
            LOG.error("The job failed", e);
            return EXIT_JOB_FAILED;
        }
        System.out.println(
                "cxq: "
                        + (input != null ? "replay of " + input : "run on " + kafkaTopics)
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
        conf.set(CoreOptions.DEFAULT_PARALLELISM, parallelism);
        RuntimeExecutionMode mode =
                kafkaBootstrap != null ? RuntimeExecutionMode.STREAMING : replayMode;
        conf.set(ExecutionOptions.RUNTIME_MODE, mode);
        if (mode == RuntimeExecutionMode.STREAMING) {
            checkpointOptions.applyTo(conf);
        }
        metricsOptions.applyTo(conf);
        return conf;
    }

    private void validate() {
        if (Stream.of(input, kafkaBootstrap, demoOptions.demo ? "demo" : null)
                        .filter(Objects::nonNull)
                        .count()
                != 1) {
            throw new IllegalArgumentException(
                    "give exactly one input: --input FILE_OR_DIR, --kafka-bootstrap HOST:PORT"
                            + " or --demo");
        }
        demoOptions.validate();
        if (input != null && !Files.exists(input)) {
            throw new IllegalArgumentException("--input does not exist: " + input);
        }
        if (kafkaBootstrap != null) {
            validateKafka();
        }
        if (jdbcUrl != null && !jdbcUrl.startsWith("jdbc:postgresql:")) {
            throw new IllegalArgumentException(
                    "--jdbc-url must be a PostgreSQL JDBC URL (jdbc:postgresql://host:port/db), got: "
                            + jdbcUrl);
        }
        if (metricVersion < 1) {
            throw new IllegalArgumentException(
                    "--metric-version must be 1 or more, got: " + metricVersion);
        }
        if (parallelism < 1) {
            throw new IllegalArgumentException(
                    "--parallelism must be 1 or more, got: " + parallelism);
        }
        if (maxOutOfOrderness.isNegative()) {
            throw new IllegalArgumentException("--max-out-of-orderness must not be negative");
        }
        if (sessionTimeout.isNegative() || sessionTimeout.isZero()) {
            throw new IllegalArgumentException("--session-timeout must be positive");
        }
        if (dedupRetention.isNegative() || dedupRetention.isZero()) {
            throw new IllegalArgumentException("--dedup-retention must be positive");
        }
        checkpointOptions.validate();
        metricsOptions.validate();
    }

    private void validateKafka() {
        if (kafkaTopics == null || kafkaTopics.isEmpty() || kafkaTopics.contains("")) {
            throw new IllegalArgumentException("--kafka-bootstrap needs --kafka-topics T1[,T2...]");
        }
        StartingOffsets.parse(startingOffsets);
        if (until != null && !until.equals("latest")) {
            throw new IllegalArgumentException("--until accepts only latest, got: " + until);
        }
        if (signingSecretFile != null && !Files.isReadable(signingSecretFile)) {
            throw new IllegalArgumentException(
                    "--signing-secret-file is not readable: " + signingSecretFile);
        }
        if (sourceIdleness.isNegative() || sourceIdleness.isZero()) {
            throw new IllegalArgumentException("--source-idleness must be positive");
        }
    }

    private KafkaInput kafkaInput() {
        SigningSecret secret = null;
        if (signingSecretFile != null) {
            secret = SigningSecret.fromFile(signingSecretFile);
        } else if (SigningSecret.fromEnv(SigningSecret.DEFAULT_ENV).isPresent()) {
            secret = SigningSecret.fromEnv(SigningSecret.DEFAULT_ENV);
        }
        LOG.info(
                "Reading Kafka topics {} from {} (group {}, starting offsets {}{}); signatures {}",
                kafkaTopics,
                kafkaBootstrap,
                kafkaGroupId,
                startingOffsets,
                until != null ? ", until latest" : "",
                secret == null ? "not checked" : "checked, header " + signatureHeader);
        return new KafkaInput(
                kafkaBootstrap,
                kafkaTopics,
                kafkaGroupId,
                startingOffsets,
                until != null,
                kafkaProperties,
                secret,
                signatureHeader);
    }

    private QualityThresholds qualityThresholds() {
        try {
            return new QualityThresholds(
                    degradedMosBelow,
                    degradedPacketLossAbove,
                    degradedVideoBitrateBelow,
                    criticalMosBelow,
                    alertHysteresis,
                    alertHysteresis,
                    mediaGapAfter);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("invalid quality thresholds: " + e.getMessage(), e);
        }
    }

    private static RuntimeExecutionMode parseMode(String mode) {
        return switch (mode) {
            case "batch" -> RuntimeExecutionMode.BATCH;
            case "streaming" -> RuntimeExecutionMode.STREAMING;
            default ->
                    throw new IllegalArgumentException(
                            "--execution-mode must be batch or streaming, got: " + mode);
        };
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
