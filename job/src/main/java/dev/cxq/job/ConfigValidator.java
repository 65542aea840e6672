package dev.cxq.job;

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
                    main.backfillOptions.errors(validator::name, main.env, main.parallelism));
        }
        if (main.metricSyncOptions.enabled()) {
            validator.errors.addAll(
                    main.metricSyncOptions.errors(validator::name, main.env, main.jdbcUrl));
        }
        return List.copyOf(validator.errors);
    }

    private void checkInput() {
        boolean kafka = main.kafkaBootstrap != null;
        List<String> inputs = new ArrayList<>();
        if (main.input != null) {
            inputs.add(name("--input"));
        }
        if (kafka) {
            inputs.add(name("--kafka-bootstrap"));
        }
        if (main.demoOptions.demo) {
            inputs.add(name("--demo"));
        }
        if (main.backfillOptions.enabled()) {
            inputs.add(name("--backfill"));
        }
        if (main.schemaOptions.migrateOnly || main.metricSyncOptions.enabled()) {
            if (!inputs.isEmpty()) {
                errors.add(
                        name(main.metricSyncOptions.enabled() ? "--metric-sync" : "--migrate-only")
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
        if (main.input != null && !Files.exists(main.input)) {
            errors.add(name("--input") + " does not exist: " + main.input);
        }
        if (kafka) {
            List<String> topics = main.kafkaTopics;
            if (topics == null || topics.isEmpty() || topics.stream().anyMatch(String::isBlank)) {
                errors.add(
                        name("--kafka-bootstrap")
                                + " needs "
                                + name("--kafka-topics")
                                + " T1[,T2...]"
                                + (topics == null || topics.isEmpty() ? "" : ": " + topics));
            }
        } else {
            for (String kafkaOnly :
                    List.of("--kafka-topics", "--until", "--dead-letter-topic", "--alerts-topic")) {
                if (origins.isSet(kafkaOnly)) {
                    errors.add(name(kafkaOnly) + " needs " + name("--kafka-bootstrap"));
                }
            }
        }
        try {
            StartingOffsets.parse(main.startingOffsets);
        } catch (IllegalArgumentException e) {
            errors.add(
                    name("--starting-offsets")
                            + " must be earliest, latest, committed or timestamp:MILLIS: "
                            + main.startingOffsets);
        }
        if (main.until != null && !main.until.equals("latest")) {
            errors.add(name("--until") + " accepts only latest: " + main.until);
        }
        notBlank("--kafka-group-id", main.kafkaGroupId);
        notBlank("--transactional-id-prefix", main.transactionalIdPrefix);
        notBlank("--signature-header", main.signatureHeader);
        readable("--signing-secret-file", main.signingSecretFile);
        if (kafka) {
            checkKafkaSecrets();
        }
        positive("--source-idleness", main.sourceIdleness);
    }

    /**
     * Kafka credentials stay out of the job: a credential property names its secret through a Kafka
     * config provider, and unsigned input is an explicit choice.
     */
    private void checkKafkaSecrets() {
        main.kafkaProperties.forEach(
                (key, value) -> {
                    if (Redaction.isKafkaCredential(key) && !Redaction.hasKafkaVariable(value)) {
                        errors.add(
                                name("--kafka-property")
                                        + " "
                                        + key
                                        + " holds a credential: give it as a config provider"
                                        + " variable, ${env:VARIABLE}, ${file:FILE:KEY} or"
                                        + " ${dir:DIRECTORY:FILE}, read by the Kafka client on"
                                        + " the task managers");
                    }
                });
        if (main.signingSecret() == null && !main.kafkaAllowUnsignedInput) {
            errors.add(
                    name("--kafka-bootstrap")
                            + " reads signed input: give "
                            + name("--signing-secret-file")
                            + " or "
                            + CxqMain.SIGNING_SECRET_ENV
                            + ", or "
                            + name("--kafka-allow-unsigned-input")
                            + " to accept records without a checked signature");
        }
    }

    private void checkOutput() {
        if (main.jdbcUrl != null && !main.jdbcUrl.startsWith("jdbc:postgresql:")) {
            errors.add(
                    name("--jdbc-url")
                            + " must be a PostgreSQL JDBC URL (jdbc:postgresql://host:port/db): "
                            + Redaction.jdbcUrl(main.jdbcUrl));
        }
        if (main.jdbcUrl != null && Redaction.jdbcUrlHasPassword(main.jdbcUrl)) {
            errors.add(
                    name("--jdbc-url")
                            + " must not hold a password (it would show in the Flink UI and"
                            + " logs): give it in "
                            + CxqMain.JDBC_PASSWORD_ENV
                            + " or "
                            + name("--jdbc-password-file")
                            + ": "
                            + Redaction.jdbcUrl(main.jdbcUrl));
        }
        readable("--jdbc-password-file", main.jdbcPasswordFile);
        SchemaCliOptions schema = main.schemaOptions;
        if (schema.schema != null
                && !schema.schema.equals(SchemaCliOptions.MIGRATE)
                && !schema.schema.equals(SchemaCliOptions.VERIFY)) {
            errors.add(name("--schema") + " must be migrate or verify: " + schema.schema);
        }
        if (schema.migrateOnly && main.jdbcUrl == null) {
            errors.add(name("--migrate-only") + " needs " + name("--jdbc-url"));
        }
        atLeast("--metric-version", main.metricVersion, 1);
        if (!main.executionMode.equals("batch") && !main.executionMode.equals("streaming")) {
            errors.add(
                    name("--execution-mode")
                            + " must be batch or streaming: "
                            + main.executionMode);
        }
        atLeast("--parallelism", main.parallelism, 1);
    }

    private void checkEventTime() {
        if (main.maxOutOfOrderness.isNegative()) {
            errors.add(
                    name("--max-out-of-orderness")
                            + " must not be negative: "
                            + main.maxOutOfOrderness);
        }
        if (main.eventTimeOptions.futureTolerance.isNegative()) {
            errors.add(
                    name("--future-tolerance")
                            + " must not be negative: "
                            + main.eventTimeOptions.futureTolerance);
        }
        positive("--session-timeout", main.sessionTimeout);
        positive("--dedup-retention", main.dedupRetention);
        if (main.mediaSampleDedupRetention != null) {
            positive("--dedup-retention-media-samples", main.mediaSampleDedupRetention);
            if (main.mediaSampleDedupRetention.compareTo(main.dedupRetention) > 0) {
                errors.add(
                        name("--dedup-retention-media-samples")
                                + " must not be above "
                                + name("--dedup-retention")
                                + " ("
                                + main.dedupRetention
                                + "): "
                                + main.mediaSampleDedupRetention);
            }
        }
    }

    private void checkThresholds() {
        between("--degraded-mos-below", main.degradedMosBelow, 1, 5);
        between("--critical-mos-below", main.criticalMosBelow, 1, 5);
        between("--degraded-packet-loss-above", main.degradedPacketLossAbove, 0, 100);
        if (!(main.degradedVideoBitrateBelow >= 0)) {
            errors.add(
                    name("--degraded-video-bitrate-below")
                            + " must not be negative: "
                            + main.degradedVideoBitrateBelow);
        }
        if (main.criticalMosBelow > main.degradedMosBelow) {
            errors.add(
                    name("--critical-mos-below")
                            + " must not be above "
                            + name("--degraded-mos-below")
                            + ": "
                            + main.criticalMosBelow
                            + " > "
                            + main.degradedMosBelow);
        }
        positive("--alert-hysteresis", main.alertHysteresis);
        positive("--media-gap-after", main.mediaGapAfter);
    }

    private void checkWebhooks() {
        WebhookCliOptions webhook = main.webhookOptions;
        for (String url : webhook.urls) {
            checkUrl(url);
        }
        readable("--webhook-token-file", webhook.tokenFile);
        readable("--webhook-secret-file", webhook.secretFile);
        atLeast("--webhook-max-attempts", webhook.maxAttempts, 1);
        positive("--webhook-max-backoff", webhook.maxBackoff);
        atLeast("--webhook-max-in-flight", webhook.maxInFlight, 1);
        if (webhook.retryWindow.isNegative()) {
            errors.add(
                    name("--webhook-retry-window")
                            + " must not be negative: "
                            + webhook.retryWindow);
        }
        atLeast("--webhook-breaker-threshold", webhook.breakerThreshold, 1);
        positive("--webhook-breaker-open", webhook.breakerOpen);
        notBlank("--environment", webhook.environment);
    }

    private void checkUrl(String url) {
        try {
            WebhookCliOptions.parseUrl(url, name("--webhook-url"));
        } catch (IllegalArgumentException e) {
            errors.add(e.getMessage());
        }
    }

    private void checkCheckpoints() {
        CheckpointCliOptions checkpoints = main.checkpointOptions;
        if (checkpoints.checkpointInterval.compareTo(Duration.ofMillis(10)) < 0) {
            errors.add(
                    name("--checkpoint-interval")
                            + " must be at least 10ms: "
                            + checkpoints.checkpointInterval);
        }
        atLeast("--checkpoints-retained", checkpoints.retainedCheckpoints, 1);
        atLeast("--restart-attempts", checkpoints.restartAttempts, 0);
        if (checkpoints.restartInitialDelay.isNegative()) {
            errors.add(
                    name("--restart-initial-delay")
                            + " must not be negative: "
                            + checkpoints.restartInitialDelay);
        } else if (checkpoints.restartMaxDelay.compareTo(checkpoints.restartInitialDelay) < 0) {
            errors.add(
                    name("--restart-max-delay")
                            + " must be at least "
                            + name("--restart-initial-delay")
                            + ": "
                            + checkpoints.restartMaxDelay
                            + " < "
                            + checkpoints.restartInitialDelay);
        }
    }

    private void checkMetrics() {
        Integer port = main.metricsOptions.prometheusPort;
        if (port != null) {
            between("--prometheus-port", port, 1, 65535);
        }
    }

    private void checkDemo() {
        DemoCliOptions demo = main.demoOptions;
        if (!demo.demo) {
            if (demo.duration != null) {
                errors.add(name("--duration") + " applies to " + name("--demo") + " only");
            }
            return;
        }
        if (demo.duration != null) {
            positive("--duration", demo.duration);
        }
        between("--demo-sessions", demo.sessions, DemoScript.SCRIPTED_SLOTS, 1_000_000);
        between("--web-ui-port", demo.webUiPort, 1, 65535);
        if (demo.summaryInterval.compareTo(Duration.ofSeconds(1)) < 0) {
            errors.add(
                    name("--summary-interval") + " must be at least 1s: " + demo.summaryInterval);
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
