package dev.cxq.job.sink;

import org.apache.flink.api.common.serialization.SerializationSchema;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchemaBuilder;
import org.apache.flink.connector.kafka.sink.KafkaSink;
import org.apache.flink.connector.kafka.sink.KafkaSinkBuilder;
import org.apache.flink.util.function.SerializableFunction;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Properties;

/**
 * Kafka sinks of rows as JSON objects (records and POJOs, by Jackson), one Kafka record per row.
 *
 * <p>{@link DeliveryGuarantee#EXACTLY_ONCE}: rows are written in Kafka transactions committed with
 * Flink's checkpoints, so a {@code read_committed} consumer sees each row once, after the
 * checkpoint that covers it (latency = checkpoint interval). Needs checkpointing, and a
 * transactional id prefix unique to this job among all writers of the cluster. {@link
 * DeliveryGuarantee#AT_LEAST_ONCE}: rows are flushed on checkpoint; a restart may repeat some.
 */
public final class KafkaJsonSink {

    private KafkaJsonSink() {}

    /**
     * @param bootstrapServers {@code host:port[,…]}
     * @param topic the topic written
     * @param producerProperties further producer properties (SASL, TLS, ...)
     * @param guarantee the delivery guarantee
     * @param transactionalIdPrefix required for exactly-once, ignored otherwise
     */
    public static <T> KafkaSink<T> of(
            String bootstrapServers,
            String topic,
            Map<String, String> producerProperties,
            DeliveryGuarantee guarantee,
            String transactionalIdPrefix) {
        return of(
                bootstrapServers,
                topic,
                producerProperties,
                guarantee,
                transactionalIdPrefix,
                null);
    }

    /**
     * As {@link #of(String, String, Map, DeliveryGuarantee, String)}, each record keyed by {@code
     * key} of its row (UTF-8): the rows of one key land in one partition, in the order written.
     */
    public static <T> KafkaSink<T> of(
            String bootstrapServers,
            String topic,
            Map<String, String> producerProperties,
            DeliveryGuarantee guarantee,
            String transactionalIdPrefix,
            SerializableFunction<T, String> key) {
        Properties producer = new Properties();
        if (guarantee == DeliveryGuarantee.EXACTLY_ONCE) {
            // The producer's default (1 h) exceeds the broker's default maximum (15 min), which
            // fails the first transaction. Must exceed checkpoint interval + recovery time.
            producer.setProperty("transaction.timeout.ms", String.valueOf(15 * 60 * 1000));
        }
        producer.putAll(producerProperties);
        KafkaRecordSerializationSchemaBuilder<T> records =
                KafkaRecordSerializationSchema.<T>builder()
                        .setTopic(topic)
                        .setValueSerializationSchema(new JsonSerialization<T>());
        if (key != null) {
            records.setKeySerializationSchema(
                    row -> key.apply(row).getBytes(StandardCharsets.UTF_8));
        }
        KafkaSinkBuilder<T> builder =
                KafkaSink.<T>builder()
                        .setBootstrapServers(bootstrapServers)
                        .setKafkaProducerConfig(producer)
                        .setDeliveryGuarantee(guarantee)
                        .setRecordSerializer(records.build());
        if (guarantee == DeliveryGuarantee.EXACTLY_ONCE) {
            if (transactionalIdPrefix == null || transactionalIdPrefix.isBlank()) {
                throw new IllegalArgumentException(
                        "an exactly-once Kafka sink needs a transactional id prefix");
            }
            builder.setTransactionalIdPrefix(transactionalIdPrefix);
        }
        return builder.build();
    }

    /** Jackson serialization of any row; a row that cannot be written is a bug, so it throws. */
    static final class JsonSerialization<T> implements SerializationSchema<T> {

        private static final long serialVersionUID = 1L;

        private transient ObjectMapper mapper;

        @Override
        public void open(InitializationContext context) {
            mapper = new ObjectMapper();
        }

        @Override
        public byte[] serialize(T row) {
            try {
                return mapper.writeValueAsBytes(row);
            } catch (JsonProcessingException e) {
                throw new IllegalStateException("cannot write " + row.getClass() + " as JSON", e);
            }
        }
    }
}
