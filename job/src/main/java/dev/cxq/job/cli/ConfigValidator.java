package dev.cxq.job.cli;

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
            problems.addAll(
                    main.backfillOptions.errors(
                            problems::name, main.env, main.executionOptions.parallelism));
        }
        if (main.metricSyncOptions.enabled()) {
            problems.addAll(
                    main.metricSyncOptions.errors(
                            problems::name, main.env, main.outputOptions.jdbcUrl));
        }
        return problems.all();
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
        if (main.schemaOptions.migrateOnly || main.metricSyncOptions.enabled()) {
            if (!inputs.isEmpty()) {
                problems.add(
                        problems.name(
                                        main.metricSyncOptions.enabled()
                                                ? MetricSyncCliOptions.METRIC_SYNC
                                                : SchemaCliOptions.MIGRATE_ONLY)
                                + " runs no job: drop "
                                + String.join(" and ", inputs));
            }
        } else if (inputs.isEmpty()) {
            problems.add(
                    "give exactly one input: --input FILE_OR_DIR, --kafka-bootstrap HOST:PORT or"
                            + " --demo (config key input, kafka.bootstrap or demo.enabled)");
        } else if (inputs.size() > 1) {
            problems.add(
                    String.join(" and ", inputs)
                            + (inputs.size() == 2 ? " are both set" : " are all set")
                            + ": give exactly one input");
        }
    }
}
