package dev.cxq.job.ops;

import dev.cxq.job.CxqPipeline;
import dev.cxq.job.cli.Defaults;
import dev.cxq.job.db.PostgresConnection;
import dev.cxq.job.kafka.KafkaInput;
import dev.cxq.job.sink.JdbcSinks;
import dev.cxq.job.sink.KafkaJsonSink;
import dev.cxq.job.sink.webhook.WebhookDeliveryOptions;
import dev.cxq.job.sink.webhook.WebhookEndpoint;
import dev.cxq.job.sink.webhook.WebhookSettings;

import org.apache.flink.api.common.RuntimeExecutionMode;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.ExecutionOptions;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.graph.StreamGraph;
import org.apache.flink.streaming.api.graph.StreamNode;

import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The topology as the command line wires it for Kafka, with every optional output switched on
 * (PostgreSQL sinks, one webhook, the alerts topic, the dead-letter topic), built into a {@link
 * StreamGraph} without running it: nothing connects to Kafka, PostgreSQL or the webhook.
 */
final class ProductionTopology {

    static final String WEBHOOK_URL = "https://alerts.example.com/cxq";

    private ProductionTopology() {}

    /** Every stream node's uid → its name. */
    static Map<String, String> uidsToNames() {
        Map<String, String> uids = new TreeMap<>();
        for (StreamNode node : streamGraph().getStreamNodes()) {
            uids.put(node.getTransformationUID(), node.getOperatorName());
        }
        return uids;
    }

    static StreamGraph streamGraph() {
        Configuration conf = new Configuration();
        conf.set(ExecutionOptions.RUNTIME_MODE, RuntimeExecutionMode.STREAMING);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        KafkaInput kafka =
                new KafkaInput(
                        "kafka:9092",
                        List.of("cxq-events"),
                        "cxq",
                        "committed",
                        false,
                        Map.of(),
                        null,
                        "X-Cxq-Signature");
        WebhookSettings webhooks =
                new WebhookSettings(
                        List.of(WebhookEndpoint.of(URI.create(WEBHOOK_URL))),
                        WebhookDeliveryOptions.defaults(),
                        "production");
        new CxqPipeline(
                        kafka.source(),
                        new JdbcSinks(
                                PostgresConnection.of(
                                        "jdbc:postgresql://postgres:5432/cxq", "cxq", null),
                                1),
                        Defaults.pipelineSettings(),
                        webhooks)
                .withAlertsTopic(
                        KafkaJsonSink.of(
                                "kafka:9092",
                                "cxq-alerts",
                                Map.of(),
                                DeliveryGuarantee.EXACTLY_ONCE,
                                "cxq-alerts"))
                .withDeadLetters(
                        KafkaJsonSink.of(
                                "kafka:9092",
                                "cxq-dead-letters",
                                Map.of(),
                                DeliveryGuarantee.AT_LEAST_ONCE,
                                null))
                .build(env);
        return env.getStreamGraph();
    }
}
