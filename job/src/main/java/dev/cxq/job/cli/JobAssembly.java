package dev.cxq.job.cli;

import dev.cxq.job.CxqPipeline;
import dev.cxq.job.PipelineSettings;
import dev.cxq.job.backfill.BackfillRuns;
import dev.cxq.job.backfill.BackfillSettings;
import dev.cxq.job.backfill.BackfillSource;
import dev.cxq.job.db.PostgresConnection;
import dev.cxq.job.kafka.KafkaInput;
import dev.cxq.job.metricsync.MetricSync;
import dev.cxq.job.secret.SecretRef;
import dev.cxq.job.sink.CxqSinks;
import dev.cxq.job.sink.CxqTables;
import dev.cxq.job.sink.JdbcSinks;
import dev.cxq.job.sink.JsonLinesSinks;
import dev.cxq.job.sink.KafkaJsonSink;
import dev.cxq.job.sink.webhook.WebhookDeliveries;
import dev.cxq.job.sink.webhook.WebhookSettings;
import dev.cxq.job.source.ReplaySource;
import dev.cxq.udf.interaction.InteractionSettings;
import dev.cxq.udf.model.RawRecord;
import dev.cxq.udf.rows.QualityAlert;

import org.apache.flink.api.common.RuntimeExecutionMode;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.configuration.BatchExecutionOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.CoreOptions;
import org.apache.flink.configuration.ExecutionOptions;
import org.apache.flink.connector.base.DeliveryGuarantee;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Turns validated options into what a run is made of: the Flink configuration, the source, the
 * sinks and the topology's settings. The one place where options become the typed objects of the
 * topology, source and sink packages.
 */
final class JobAssembly {

    private static final Logger LOG = LoggerFactory.getLogger(JobAssembly.class);

    private final CxqMain options;
    private final Map<String, String> env;
    private final Deployment deployment;
    private final ConfigSources.Origins origins;

    JobAssembly(
            CxqMain options,
            Map<String, String> env,
            Deployment deployment,
            ConfigSources.Origins origins) {
        this.options = options;
        this.env = env;
        this.deployment = deployment;
        this.origins = origins;
    }

    /** The semantic settings of the topology. */
    PipelineSettings settings() {
        EventTimeCliOptions events = options.eventTimeOptions;
        return new PipelineSettings(
                events.maxOutOfOrderness,
                events.sessionTimeout,
                options.thresholdOptions.thresholds(),
                InteractionSettings.defaults(),
                events.dedupRetention,
                events.mediaSampleDedupRetention != null
                        ? events.mediaSampleDedupRetention
                        : events.dedupRetention,
                events.sourceIdleness,
                events.limits(),
                options.pipelineStatusOptions.settings(events.maxOutOfOrderness),
                options.executionOptions.quietSamplesHeld);
    }

    /**
     * The Flink configuration of the run: Kafka is always read in streaming mode; streaming runs
     * checkpoint (offsets, Kafka transactions, JDBC batches) and restart on failure.
     */
    Configuration flinkConfiguration(RuntimeExecutionMode replayMode) {
        Configuration conf = new Configuration();
        if (deployment.setsOption(ExecutionCliOptions.PARALLELISM, origins)) {
            conf.set(CoreOptions.DEFAULT_PARALLELISM, options.executionOptions.parallelism);
        }
        RuntimeExecutionMode mode =
                options.kafkaOptions.enabled() ? RuntimeExecutionMode.STREAMING : replayMode;
        conf.set(ExecutionOptions.RUNTIME_MODE, mode);
        // Every operator runs at --parallelism: Flink's batch scheduler would otherwise pick each
        // vertex's parallelism from its input volume at run time (issue 13).
        conf.set(BatchExecutionOptions.ADAPTIVE_AUTO_PARALLELISM_ENABLED, false);
        if (mode == RuntimeExecutionMode.STREAMING) {
            options.checkpointOptions.applyTo(conf, deployment, origins);
        }
        options.metricsOptions.applyTo(conf);
        return conf;
    }

    /**
     * The sinks of the tables: PostgreSQL, else JSON Lines files, whose directories of a previous
     * local run are cleared first.
     */
    CxqSinks sinks(PostgresConnection database) throws IOException {
        OutputCliOptions output = options.outputOptions;
        if (database != null) {
            return new JdbcSinks(database, output.metricVersion);
        }
        if (deployment.isLocal() && options.checkpointOptions.restoreFrom == null) {
            // Not on a cluster, where main() runs again after a JobManager failover and the
            // directory holds the running job's committed files; nor when resuming.
            clearTableDirectories(output.outputDir);
        }
        return new JsonLinesSinks(output.outputDir, output.metricVersion);
    }

    /** The PostgreSQL output, or {@code null} for JSON Lines files. */
    PostgresConnection database() {
        OutputCliOptions output = options.outputOptions;
        return output.jdbcUrl == null
                ? null
                : PostgresConnection.of(output.jdbcUrl, output.jdbcUser, output.jdbcPassword(env));
    }

    /** The {@code --metric-sync} run: the current metric version's rows to the platform. */
    MetricSync metricSync() {
        return new MetricSync(
                options.metricSyncOptions.settings(options.outputOptions.metricVersion));
    }

    /**
     * Records a backfill into PostgreSQL in {@code backfill_runs}: started, or completed (every
     * result of it committed); nothing for another run.
     */
    void recordBackfill(PostgresConnection database, boolean completed) throws SQLException {
        if (!options.backfillOptions.enabled() || database == null) {
            return;
        }
        BackfillRuns runs = new BackfillRuns(database);
        BackfillSettings backfill = options.backfillOptions.settings();
        int version = options.outputOptions.metricVersion;
        if (completed) {
            runs.completed(backfill, version);
        } else {
            runs.started(backfill, version);
        }
    }

    /** The source of a run that is not the demo: Kafka, a backfill or a file replay. */
    Source<RawRecord, ?, ?> source() {
        if (options.kafkaOptions.enabled()) {
            return kafkaInput().source();
        }
        if (options.backfillOptions.enabled()) {
            return new BackfillSource(options.backfillOptions.settings());
        }
        try {
            return ReplaySource.of(options.inputOptions.input);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(InputCliOptions.INPUT + " " + e.getMessage(), e);
        }
    }

    /** The topology on {@code source}, with the Kafka outputs the options ask for. */
    CxqPipeline pipeline(
            Source<RawRecord, ?, ?> source,
            CxqSinks sinks,
            PipelineSettings settings,
            WebhookSettings webhooks) {
        CxqPipeline pipeline = new CxqPipeline(source, sinks, settings, webhooks);
        KafkaCliOptions kafka = options.kafkaOptions;
        if (!kafka.enabled()) {
            return pipeline;
        }
        if (kafka.alertsTopic != null) {
            pipeline.withAlertsTopic(
                    KafkaJsonSink.of(
                            kafka.kafkaBootstrap,
                            kafka.alertsTopic,
                            kafka.kafkaClientProperties(),
                            DeliveryGuarantee.EXACTLY_ONCE,
                            kafka.transactionalIdPrefix,
                            QualityAlert::incidentKey));
        }
        if (kafka.deadLetterTopic != null) {
            pipeline.withDeadLetters(
                    KafkaJsonSink.of(
                            kafka.kafkaBootstrap,
                            kafka.deadLetterTopic,
                            kafka.kafkaClientProperties(),
                            DeliveryGuarantee.AT_LEAST_ONCE,
                            null));
        }
        return pipeline;
    }

    /** The Flink job's name: input kind and what it reads. */
    String jobName() {
        if (options.kafkaOptions.enabled()) {
            return "cxq kafka " + String.join(",", options.kafkaOptions.kafkaTopics);
        }
        if (options.backfillOptions.enabled()) {
            BackfillSettings backfill = options.backfillOptions.settings();
            return "cxq backfill " + backfill.platform().wireName();
        }
        return "cxq replay " + options.inputOptions.input.getFileName();
    }

    /** What the run read and where it wrote, for the line printed when it is committed. */
    String committedSummary() {
        Path input = options.inputOptions.input;
        return (input != null
                        ? "replay of " + input
                        : options.backfillOptions.enabled()
                                ? "backfill of " + options.backfillOptions.platform
                                : "run on " + options.kafkaOptions.kafkaTopics)
                + " committed to "
                + outputLocation();
    }

    /** The database URL, or the absolute output directory. */
    String outputLocation() {
        OutputCliOptions output = options.outputOptions;
        return output.jdbcUrl != null
                ? output.jdbcUrl
                : output.outputDir.toAbsolutePath().toString();
    }

    private KafkaInput kafkaInput() {
        KafkaCliOptions kafka = options.kafkaOptions;
        KafkaInput input = kafka.input(env);
        SecretRef secret = kafka.signingSecret(env);
        LOG.info(
                "Reading Kafka topics {} from {} (group {}, starting offsets {}{}); signatures {}",
                kafka.kafkaTopics,
                kafka.kafkaBootstrap,
                kafka.kafkaGroupId,
                kafka.startingOffsets,
                kafka.until != null ? ", until latest" : "",
                secret == null
                        ? "not checked (" + KafkaCliOptions.KAFKA_ALLOW_UNSIGNED_INPUT + ")"
                        : "checked, header " + kafka.signatureHeader + ", secret in " + secret);
        return input;
    }

    /**
     * Removes the table directories of a previous file-mode run, so its part files do not linger.
     */
    private static void clearTableDirectories(Path outputDir) throws IOException {
        List<String> tables = new ArrayList<>();
        CxqTables.ALL.forEach(table -> tables.add(table.name()));
        tables.add(CxqTables.WEBHOOK_OUTBOX.name());
        tables.add(WebhookDeliveries.DELIVERIES_TABLE);
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
}
