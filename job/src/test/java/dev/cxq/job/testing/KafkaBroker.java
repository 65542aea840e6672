package dev.cxq.job.testing;

import dev.cxq.job.kafka.KafkaInput;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;

import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * An in-process Kafka broker (KRaft, one combined node) with replication-factor-1 internal topics,
 * started and ready, and a producer of raw bytes. Kafka's own test kit, not a public API.
 */
public final class KafkaBroker {

    private KafkaBroker() {}

    /** Starts a one-node cluster whose internal topics need one replica; close it when done. */
    public static KafkaClusterTestKit start() throws Exception {
        KafkaClusterTestKit kafka =
                new KafkaClusterTestKit.Builder(
                                new TestKitNodes.Builder()
                                        .setCombined(true)
                                        .setNumBrokerNodes(1)
                                        .setNumControllerNodes(1)
                                        .build())
                        .setConfigProp("offsets.topic.replication.factor", "1")
                        .setConfigProp("transaction.state.log.replication.factor", "1")
                        .setConfigProp("transaction.state.log.min.isr", "1")
                        .build();
        kafka.format();
        kafka.startup();
        kafka.waitForReadyBrokers();
        return kafka;
    }

    public static void createTopics(KafkaClusterTestKit kafka, List<NewTopic> topics)
            throws Exception {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()))) {
            admin.createTopics(topics).all().get();
        }
    }

    public static KafkaProducer<byte[], byte[]> producer(String bootstrapServers) {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        props.put(
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        return new KafkaProducer<>(props);
    }

    /** Unsigned input from {@code topic}, from its earliest offsets, never ending by itself. */
    public static KafkaInput unsignedInput(String bootstrapServers, String topic, String groupId) {
        return new KafkaInput(
                bootstrapServers,
                List.of(topic),
                groupId,
                "earliest",
                false,
                Map.of(),
                null,
                "X-Cxq-Signature");
    }
}
