package dev.cxq.job.cli;

import dev.cxq.job.secret.SecretRef;

import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Checks the whole configuration at start and collects every problem, each naming the option as the
 * user wrote it (flag, environment variable or config key), the rule and the value. Each mixin
 * checks its own options; the rules across mixins are here.
 */
final class ConfigValidator {

    private ConfigValidator() {}

    /** Every problem of the configuration held by {@code main}; empty when it is valid. */
    static List<String> validate(CxqMain main, ConfigSources.Origins origins) {
        Problems problems = new Problems(origins);
        checkInputs(main, problems);
        main.inputOptions.validate(problems);
        main.kafkaOptions.validate(problems, main.env);
        main.outputOptions.validate(problems);
        main.schemaOptions.validate(problems, main.outputOptions.jdbcUrl);
        main.executionOptions.validate(problems);
        main.eventTimeOptions.validate(problems);
        main.thresholdOptions.validate(problems);
        main.pipelineStatusOptions.validate(problems);
        main.webhookOptions.validate(problems);
        main.checkpointOptions.validate(problems);
        main.metricsOptions.validate(problems);
        main.demoOptions.validate(problems);
        if (main.backfillOptions.enabled()) {
            main.backfillOptions.validate(problems, main.env, main.executionOptions.parallelism);
        }
        if (main.metricSyncOptions.enabled()) {
            main.metricSyncOptions.validate(problems, main.env, main.outputOptions.jdbcUrl);
        }
        return problems.all();
    }

    /**
     * The secrets the run will read, read once now: a missing or empty one is a configuration
     * error, not a crash later.
     */
    static List<String> unreadableSecrets(CxqMain main) {
        List<String> errors = new ArrayList<>();
        checkReadable(
                "the database password", main.outputOptions.jdbcPassword(main.env), main, errors);
        if (main.kafkaOptions.enabled()) {
            checkReadable(
                    "the input signing secret",
                    main.kafkaOptions.signingSecret(main.env),
                    main,
                    errors);
        }
        return errors;
    }

    private static void checkReadable(
            String what, SecretRef secret, CxqMain main, List<String> errors) {
        if (secret == null) {
            return;
        }
        try {
            secret.read(main.env);
        } catch (IllegalStateException | UncheckedIOException e) {
            errors.add(what + ": " + e.getMessage());
        }
    }

    /** Exactly one input, or none with {@code --migrate-only}. */
    private static void checkInputs(CxqMain main, Problems problems) {
        List<String> inputs = new ArrayList<>();
        if (main.inputOptions.input != null) {
            inputs.add(problems.name(InputCliOptions.INPUT));
        }
        if (main.kafkaOptions.enabled()) {
            inputs.add(problems.name(KafkaCliOptions.KAFKA_BOOTSTRAP));
        }
        if (main.demoOptions.demo) {
            inputs.add(problems.name(DemoCliOptions.DEMO));
        }
        if (main.backfillOptions.enabled()) {
            inputs.add(problems.name(BackfillCliOptions.BACKFILL));
        }
        if (main.schemaOptions.migrateOnly
                || main.metricSyncOptions.enabled()
                || main.webhookOptions.deliver) {
            if (!inputs.isEmpty()) {
                problems.add(
                        problems.name(
                                        main.metricSyncOptions.enabled()
                                                ? MetricSyncCliOptions.METRIC_SYNC
                                                : main.webhookOptions.deliver
                                                        ? WebhookCliOptions.DELIVER
                                                        : SchemaCliOptions.MIGRATE_ONLY)
                                + " runs no job: drop "
                                + String.join(" and ", inputs));
            }
        } else if (inputs.isEmpty()) {
            problems.add(
                    "give exactly one input: "
                            + InputCliOptions.INPUT
                            + " FILE_OR_DIR, "
                            + KafkaCliOptions.KAFKA_BOOTSTRAP
                            + " HOST:PORT or "
                            + DemoCliOptions.DEMO
                            + " (config key input, kafka.bootstrap or demo.enabled)");
        } else if (inputs.size() > 1) {
            problems.add(
                    String.join(" and ", inputs)
                            + (inputs.size() == 2 ? " are both set" : " are all set")
                            + ": give exactly one input");
        }
    }
}
