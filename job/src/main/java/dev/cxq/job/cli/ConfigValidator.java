package dev.cxq.job.cli;

import dev.cxq.job.demo.DemoScript;
import dev.cxq.job.kafka.StartingOffsets;
import dev.cxq.job.secret.Redaction;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Checks the whole configuration at start and collects every problem, each naming the option as the
 * user wrote it (flag, environment variable or config key), the rule and the value.
 */
final class ConfigValidator {

    private final CxqMain main;
    private final ConfigSources.Origins origins;
    private final List<String> errors = new ArrayList<>();

    private ConfigValidator(CxqMain main, ConfigSources.Origins origins) {
        this.main = main;
        this.origins = origins;
    }

    /** Every problem of the configuration held by {@code main}; empty when it is valid. */
    static List<String> validate(CxqMain main, ConfigSources.Origins origins) {
        ConfigValidator validator = new ConfigValidator(main, origins);
        validator.checkInput();
        validator.checkOutput();
        validator.checkEventTime();
        validator.checkThresholds();
        validator.checkWebhooks();
        validator.checkCheckpoints();
        validator.checkMetrics();
        validator.checkDemo();
        if (main.backfillOptions.enabled()) {
            validator.errors.addAll(
                    main.backfillOptions.errors(
                            validator::name, main.env, main.executionOptions.parallelism));
        }
        return List.copyOf(validator.errors);
    }

    private void checkInput() {
        boolean kafka = main.kafkaOptions.kafkaBootstrap != null;
        List<String> inputs = new ArrayList<>();
        if (main.inputOptions.input != null) {
            inputs.add(name(InputCliOptions.INPUT));
        }
        if (kafka) {
            inputs.add(name(KafkaCliOptions.KAFKA_BOOTSTRAP));
        }
        if (main.demoOptions.demo) {
            inputs.add(name(DemoCliOptions.DEMO));
        }
        if (main.backfillOptions.enabled()) {
            inputs.add(name(BackfillCliOptions.BACKFILL));
        }
        if (main.schemaOptions.migrateOnly) {
            if (!inputs.isEmpty()) {
                errors.add(
                        name(SchemaCliOptions.MIGRATE_ONLY)
                                + " runs no job: drop "
                                + String.join(" and ", inputs));
            }
        } else if (inputs.isEmpty()) {
            errors.add(
                    "give exactly one input: --input FILE_OR_DIR, --kafka-bootstrap HOST:PORT or"
                            + " --demo (config key input, kafka.bootstrap or demo.enabled)");
        } else if (inputs.size() > 1) {
            errors.add(
                    String.join(" and ", inputs)
                            + (inputs.size() == 2 ? " are both set" : " are all set")
                            + ": give exactly one input");
        }
        if (main.inputOptions.input != null && !Files.exists(main.inputOptions.input)) {
            errors.add(name(InputCliOptions.INPUT) + " does not exist: " + main.inputOptions.input);
        }
        if (kafka) {
            List<String> topics = main.kafkaOptions.kafkaTopics;
            if (topics == null || topics.isEmpty() || topics.stream().anyMatch(String::isBlank)) {
                errors.add(
                        name(KafkaCliOptions.KAFKA_BOOTSTRAP)
                                + " needs "
                                + name(KafkaCliOptions.KAFKA_TOPICS)
                                + " T1[,T2...]"
                                + (topics == null || topics.isEmpty() ? "" : ": " + topics));
            }
        } else {
            for (String kafkaOnly :
                    List.of(
                            KafkaCliOptions.KAFKA_TOPICS,
                            KafkaCliOptions.UNTIL,
                            KafkaCliOptions.DEAD_LETTER_TOPIC,
                            KafkaCliOptions.ALERTS_TOPIC)) {
                if (origins.isSet(kafkaOnly)) {
                    errors.add(name(kafkaOnly) + " needs " + name(KafkaCliOptions.KAFKA_BOOTSTRAP));
                }
            }
        }
        try {
            StartingOffsets.parse(main.kafkaOptions.startingOffsets);
        } catch (IllegalArgumentException e) {
            errors.add(
                    name(KafkaCliOptions.STARTING_OFFSETS)
                            + " must be earliest, latest, committed or timestamp:MILLIS: "
                            + main.kafkaOptions.startingOffsets);
        }
        if (main.kafkaOptions.until != null && !main.kafkaOptions.until.equals("latest")) {
            errors.add(
                    name(KafkaCliOptions.UNTIL)
                            + " accepts only latest: "
                            + main.kafkaOptions.until);
        }
        notBlank(KafkaCliOptions.KAFKA_GROUP_ID, main.kafkaOptions.kafkaGroupId);
        notBlank(KafkaCliOptions.TRANSACTIONAL_ID_PREFIX, main.kafkaOptions.transactionalIdPrefix);
        notBlank(KafkaCliOptions.SIGNATURE_HEADER, main.kafkaOptions.signatureHeader);
        readable(KafkaCliOptions.SIGNING_SECRET_FILE, main.kafkaOptions.signingSecretFile);
        if (kafka) {
            checkKafkaSecrets();
        }
        positive(EventTimeCliOptions.SOURCE_IDLENESS, main.eventTimeOptions.sourceIdleness);
    }

    /**
     * Kafka credentials stay out of the job: a credential property names its secret through a Kafka
     * config provider, and unsigned input is an explicit choice.
     */
    private void checkKafkaSecrets() {
        main.kafkaOptions.kafkaProperties.forEach(
                (key, value) -> {
                    if (Redaction.isKafkaCredential(key) && !Redaction.hasKafkaVariable(value)) {
                        errors.add(
                                name(KafkaCliOptions.KAFKA_PROPERTY)
                                        + " "
                                        + key
                                        + " holds a credential: give it as a config provider"
                                        + " variable, ${env:VARIABLE}, ${file:FILE:KEY} or"
                                        + " ${dir:DIRECTORY:FILE}, read by the Kafka client on"
                                        + " the task managers");
                    }
                });
        if (main.kafkaOptions.signingSecret(main.env) == null
                && !main.kafkaOptions.kafkaAllowUnsignedInput) {
            errors.add(
                    name(KafkaCliOptions.KAFKA_BOOTSTRAP)
                            + " reads signed input: give "
                            + name(KafkaCliOptions.SIGNING_SECRET_FILE)
                            + " or "
                            + KafkaCliOptions.SIGNING_SECRET_ENV
                            + ", or "
                            + name(KafkaCliOptions.KAFKA_ALLOW_UNSIGNED_INPUT)
                            + " to accept records without a checked signature");
        }
    }

    private void checkOutput() {
        if (main.outputOptions.jdbcUrl != null
                && !main.outputOptions.jdbcUrl.startsWith("jdbc:postgresql:")) {
            errors.add(
                    name(OutputCliOptions.JDBC_URL)
                            + " must be a PostgreSQL JDBC URL (jdbc:postgresql://host:port/db): "
                            + Redaction.jdbcUrl(main.outputOptions.jdbcUrl));
        }
        if (main.outputOptions.jdbcUrl != null
                && Redaction.jdbcUrlHasPassword(main.outputOptions.jdbcUrl)) {
            errors.add(
                    name(OutputCliOptions.JDBC_URL)
                            + " must not hold a password (it would show in the Flink UI and"
                            + " logs): give it in "
                            + OutputCliOptions.JDBC_PASSWORD_ENV
                            + " or "
                            + name(OutputCliOptions.JDBC_PASSWORD_FILE)
                            + ": "
                            + Redaction.jdbcUrl(main.outputOptions.jdbcUrl));
        }
        readable(OutputCliOptions.JDBC_PASSWORD_FILE, main.outputOptions.jdbcPasswordFile);
        SchemaCliOptions schema = main.schemaOptions;
        if (schema.schema != null
                && !schema.schema.equals(SchemaCliOptions.MIGRATE)
                && !schema.schema.equals(SchemaCliOptions.VERIFY)) {
            errors.add(
                    name(SchemaCliOptions.SCHEMA) + " must be migrate or verify: " + schema.schema);
        }
        if (schema.migrateOnly && main.outputOptions.jdbcUrl == null) {
            errors.add(
                    name(SchemaCliOptions.MIGRATE_ONLY)
                            + " needs "
                            + name(OutputCliOptions.JDBC_URL));
        }
        atLeast(OutputCliOptions.METRIC_VERSION, main.outputOptions.metricVersion, 1);
        if (!main.executionOptions.executionMode.equals("batch")
                && !main.executionOptions.executionMode.equals("streaming")) {
            errors.add(
                    name(ExecutionCliOptions.EXECUTION_MODE)
                            + " must be batch or streaming: "
                            + main.executionOptions.executionMode);
        }
        atLeast(ExecutionCliOptions.PARALLELISM, main.executionOptions.parallelism, 1);
    }

    private void checkEventTime() {
        if (main.eventTimeOptions.maxOutOfOrderness.isNegative()) {
            errors.add(
                    name(EventTimeCliOptions.MAX_OUT_OF_ORDERNESS)
                            + " must not be negative: "
                            + main.eventTimeOptions.maxOutOfOrderness);
        }
        if (main.eventTimeOptions.futureTolerance.isNegative()) {
            errors.add(
                    name(EventTimeCliOptions.FUTURE_TOLERANCE)
                            + " must not be negative: "
                            + main.eventTimeOptions.futureTolerance);
        }
        positive(EventTimeCliOptions.SESSION_TIMEOUT, main.eventTimeOptions.sessionTimeout);
        positive(EventTimeCliOptions.DEDUP_RETENTION, main.eventTimeOptions.dedupRetention);
        if (main.eventTimeOptions.mediaSampleDedupRetention != null) {
            positive(
                    EventTimeCliOptions.DEDUP_RETENTION_MEDIA_SAMPLES,
                    main.eventTimeOptions.mediaSampleDedupRetention);
            if (main.eventTimeOptions.mediaSampleDedupRetention.compareTo(
                            main.eventTimeOptions.dedupRetention)
                    > 0) {
                errors.add(
                        name(EventTimeCliOptions.DEDUP_RETENTION_MEDIA_SAMPLES)
                                + " must not be above "
                                + name(EventTimeCliOptions.DEDUP_RETENTION)
                                + " ("
                                + main.eventTimeOptions.dedupRetention
                                + "): "
                                + main.eventTimeOptions.mediaSampleDedupRetention);
            }
        }
    }

    private void checkThresholds() {
        between(
                ThresholdCliOptions.DEGRADED_MOS_BELOW,
                main.thresholdOptions.degradedMosBelow,
                1,
                5);
        between(
                ThresholdCliOptions.CRITICAL_MOS_BELOW,
                main.thresholdOptions.criticalMosBelow,
                1,
                5);
        between(
                ThresholdCliOptions.DEGRADED_PACKET_LOSS_ABOVE,
                main.thresholdOptions.degradedPacketLossAbove,
                0,
                100);
        if (!(main.thresholdOptions.degradedVideoBitrateBelow >= 0)) {
            errors.add(
                    name(ThresholdCliOptions.DEGRADED_VIDEO_BITRATE_BELOW)
                            + " must not be negative: "
                            + main.thresholdOptions.degradedVideoBitrateBelow);
        }
        if (main.thresholdOptions.criticalMosBelow > main.thresholdOptions.degradedMosBelow) {
            errors.add(
                    name(ThresholdCliOptions.CRITICAL_MOS_BELOW)
                            + " must not be above "
                            + name(ThresholdCliOptions.DEGRADED_MOS_BELOW)
                            + ": "
                            + main.thresholdOptions.criticalMosBelow
                            + " > "
                            + main.thresholdOptions.degradedMosBelow);
        }
        positive(ThresholdCliOptions.ALERT_HYSTERESIS, main.thresholdOptions.alertHysteresis);
        positive(ThresholdCliOptions.MEDIA_GAP_AFTER, main.thresholdOptions.mediaGapAfter);
    }

    private void checkWebhooks() {
        WebhookCliOptions webhook = main.webhookOptions;
        for (String url : webhook.urls) {
            checkUrl(url);
        }
        readable(WebhookCliOptions.WEBHOOK_TOKEN_FILE, webhook.tokenFile);
        readable(WebhookCliOptions.WEBHOOK_SECRET_FILE, webhook.secretFile);
        atLeast(WebhookCliOptions.WEBHOOK_MAX_ATTEMPTS, webhook.maxAttempts, 1);
        positive(WebhookCliOptions.WEBHOOK_MAX_BACKOFF, webhook.maxBackoff);
        atLeast(WebhookCliOptions.WEBHOOK_MAX_IN_FLIGHT, webhook.maxInFlight, 1);
        if (webhook.retryWindow.isNegative()) {
            errors.add(
                    name(WebhookCliOptions.WEBHOOK_RETRY_WINDOW)
                            + " must not be negative: "
                            + webhook.retryWindow);
        }
        atLeast(WebhookCliOptions.WEBHOOK_BREAKER_THRESHOLD, webhook.breakerThreshold, 1);
        positive(WebhookCliOptions.WEBHOOK_BREAKER_OPEN, webhook.breakerOpen);
        notBlank(WebhookCliOptions.ENVIRONMENT, webhook.environment);
    }

    private void checkUrl(String url) {
        try {
            WebhookCliOptions.parseUrl(url, name(WebhookCliOptions.WEBHOOK_URL));
        } catch (IllegalArgumentException e) {
            errors.add(e.getMessage());
        }
    }

    private void checkCheckpoints() {
        CheckpointCliOptions checkpoints = main.checkpointOptions;
        if (checkpoints.checkpointInterval.compareTo(Duration.ofMillis(10)) < 0) {
            errors.add(
                    name(CheckpointCliOptions.CHECKPOINT_INTERVAL)
                            + " must be at least 10ms: "
                            + checkpoints.checkpointInterval);
        }
        atLeast(CheckpointCliOptions.CHECKPOINTS_RETAINED, checkpoints.retainedCheckpoints, 1);
        atLeast(CheckpointCliOptions.RESTART_ATTEMPTS, checkpoints.restartAttempts, 0);
        if (checkpoints.restartInitialDelay.isNegative()) {
            errors.add(
                    name(CheckpointCliOptions.RESTART_INITIAL_DELAY)
                            + " must not be negative: "
                            + checkpoints.restartInitialDelay);
        } else if (checkpoints.restartMaxDelay.compareTo(checkpoints.restartInitialDelay) < 0) {
            errors.add(
                    name(CheckpointCliOptions.RESTART_MAX_DELAY)
                            + " must be at least "
                            + name(CheckpointCliOptions.RESTART_INITIAL_DELAY)
                            + ": "
                            + checkpoints.restartMaxDelay
                            + " < "
                            + checkpoints.restartInitialDelay);
        }
    }

    private void checkMetrics() {
        Integer port = main.metricsOptions.prometheusPort;
        if (port != null) {
            between(MetricsCliOptions.PROMETHEUS_PORT, port, 1, 65535);
        }
    }

    private void checkDemo() {
        DemoCliOptions demo = main.demoOptions;
        if (!demo.demo) {
            if (demo.duration != null) {
                errors.add(
                        name(DemoCliOptions.DURATION)
                                + " applies to "
                                + name(DemoCliOptions.DEMO)
                                + " only");
            }
            return;
        }
        if (demo.duration != null) {
            positive(DemoCliOptions.DURATION, demo.duration);
        }
        between(DemoCliOptions.DEMO_SESSIONS, demo.sessions, DemoScript.SCRIPTED_SLOTS, 1_000_000);
        between(DemoCliOptions.WEB_UI_PORT, demo.webUiPort, 1, 65535);
        if (demo.summaryInterval.compareTo(Duration.ofSeconds(1)) < 0) {
            errors.add(
                    name(DemoCliOptions.SUMMARY_INTERVAL)
                            + " must be at least 1s: "
                            + demo.summaryInterval);
        }
    }

    private String name(String flag) {
        return origins.name(flag);
    }

    private void atLeast(String flag, int value, int min) {
        if (value < min) {
            errors.add(name(flag) + " must be " + min + " or more: " + value);
        }
    }

    private void between(String flag, double value, double min, double max) {
        if (!(value >= min && value <= max)) {
            errors.add(
                    name(flag)
                            + " must be between "
                            + number(min)
                            + " and "
                            + number(max)
                            + ": "
                            + value);
        }
    }

    private void between(String flag, int value, int min, int max) {
        if (value < min || value > max) {
            errors.add(name(flag) + " must be between " + min + " and " + max + ": " + value);
        }
    }

    private void positive(String flag, Duration value) {
        if (value.isNegative() || value.isZero()) {
            errors.add(name(flag) + " must be positive: " + value);
        }
    }

    private void notBlank(String flag, String value) {
        if (value == null || value.isBlank()) {
            errors.add(name(flag) + " must not be blank");
        }
    }

    private void readable(String flag, Path file) {
        if (file != null && !(Files.isRegularFile(file) && Files.isReadable(file))) {
            errors.add(name(flag) + " is not a readable file: " + file);
        }
    }

    private static String number(double value) {
        return value == Math.rint(value) ? String.valueOf((long) value) : String.valueOf(value);
    }
}
