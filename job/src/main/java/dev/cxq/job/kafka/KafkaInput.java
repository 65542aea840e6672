package dev.cxq.job.kafka;

import dev.cxq.job.secret.SecretRef;
import dev.cxq.udf.model.RawRecord;

import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.KafkaSourceBuilder;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;

import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * The streaming input: a {@link KafkaSource} of raw records on one or more topics.
 *
 * <p>Guarantees: offsets are part of Flink's checkpoints (exactly-once reading on restore); they
 * are also committed to the consumer group on checkpoint, for monitoring and for {@code
 * --starting-offsets committed}. With {@code untilLatest} the source is bounded at the offsets that
 * were latest when the job started, and the job ends by itself once it has read them.
 *
 * @param bootstrapServers {@code host:port[,…]}
 * @param topics the topics to read
 * @param groupId the consumer group
 * @param startingOffsets {@code earliest|latest|committed|timestamp:MILLIS}
 * @param untilLatest stop at the offsets that were latest at start
 * @param properties further consumer properties (SASL, TLS, ...), applied last
 * @param signingSecret where the HMAC secret is, or {@code null} for unsigned input
 * @param signatureHeader the header carrying the signature
 */
public record KafkaInput(
        String bootstrapServers,
        List<String> topics,
        String groupId,
        String startingOffsets,
        boolean untilLatest,
        Map<String, String> properties,
        SecretRef signingSecret,
        String signatureHeader) {

    public KafkaSource<RawRecord> source() {
        Properties consumer = new Properties();
        consumer.putAll(properties);
        KafkaSourceBuilder<RawRecord> builder =
                KafkaSource.<RawRecord>builder()
                        .setBootstrapServers(bootstrapServers)
                        .setTopics(topics)
                        .setGroupId(groupId)
                        .setStartingOffsets(StartingOffsets.parse(startingOffsets))
                        .setDeserializer(
                                new KafkaRawRecordDeserializer(signingSecret, signatureHeader))
                        .setProperties(consumer);
        if (untilLatest) {
            builder.setBounded(OffsetsInitializer.latest());
        }
        return builder.build();
    }
}
