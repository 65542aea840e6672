package dev.cxq.job.kafka;

import dev.cxq.job.secret.SecretRef;
import dev.cxq.udf.model.RawRecord;
import dev.cxq.udf.signing.PayloadSignature;

import org.apache.flink.api.common.serialization.DeserializationSchema;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.util.Collector;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;

import java.nio.charset.StandardCharsets;

/**
 * Turns each Kafka record into a {@link RawRecord} whose source is {@code topic/partition/offset},
 * so a rejection names the exact record. Never throws on bad input: a record without a value is an
 * empty payload (rejected as {@code invalid_json} by the parser).
 *
 * <p>When a signing secret is configured, the HMAC-SHA256 of the value bytes must match the
 * signature header; otherwise the record is marked {@code bad_signature} and the parser rejects it
 * unread. The secret is read in {@link #open}, on the task manager, never serialized with the job.
 */
public class KafkaRawRecordDeserializer implements KafkaRecordDeserializationSchema<RawRecord> {

    private static final long serialVersionUID = 1L;

    private static final byte[] EMPTY = new byte[0];

    private final SecretRef secret;
    private final String signatureHeader;

    private transient PayloadSignature signature;

    /**
     * @param secret where the signing secret is, or {@code null} to accept unsigned records
     * @param signatureHeader the header carrying the hex signature
     */
    public KafkaRawRecordDeserializer(SecretRef secret, String signatureHeader) {
        this.secret = secret;
        this.signatureHeader = signatureHeader;
    }

    @Override
    public void open(DeserializationSchema.InitializationContext context) {
        signature =
                secret == null
                        ? null
                        : new PayloadSignature(secret.read().getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public void deserialize(ConsumerRecord<byte[], byte[]> record, Collector<RawRecord> out) {
        byte[] value = record.value() == null ? EMPTY : record.value();
        RawRecord raw =
                new RawRecord(
                        record.topic() + "/" + record.partition() + "/" + record.offset(),
                        new String(value, StandardCharsets.UTF_8));
        if (signature != null && !signature.matches(value, lastHeader(record))) {
            raw.rejectReason = PayloadSignature.BAD_SIGNATURE;
        }
        out.collect(raw);
    }

    private String lastHeader(ConsumerRecord<byte[], byte[]> record) {
        Header header = record.headers().lastHeader(signatureHeader);
        return header == null || header.value() == null
                ? null
                : new String(header.value(), StandardCharsets.UTF_8);
    }

    @Override
    public TypeInformation<RawRecord> getProducedType() {
        return TypeInformation.of(RawRecord.class);
    }
}
