package dev.cxq.job.kafka;

import dev.cxq.job.secret.SecretRef;
import dev.cxq.udf.model.RawRecord;
import dev.cxq.udf.signing.PayloadSignature;

import org.apache.flink.util.Collector;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class KafkaRawRecordDeserializerTest {

    private static final String HEADER = "X-Sig";
    private static final String BODY =
            "{\"event_id\":\"e1\",\"kind\":\"media_sample\",\"session_id\":\"s1\","
                    + "\"ts\":\"2026-03-09T14:00:05Z\"}";

    @TempDir Path dir;

    private static RawRecord deserialize(
            KafkaRawRecordDeserializer deserializer, ConsumerRecord<byte[], byte[]> record) {
        List<RawRecord> out = new ArrayList<>();
        deserializer.deserialize(
                record,
                new Collector<>() {
                    @Override
                    public void collect(RawRecord r) {
                        out.add(r);
                    }

                    @Override
                    public void close() {}
                });
        assertThat(out).hasSize(1);
        return out.get(0);
    }

    private static ConsumerRecord<byte[], byte[]> record(byte[] value, String signature) {
        ConsumerRecord<byte[], byte[]> r = new ConsumerRecord<>("events", 2, 41L, null, value);
        if (signature != null) {
            r.headers().add(HEADER, signature.getBytes(StandardCharsets.UTF_8));
        }
        return r;
    }

    @Test
    void sourceIsTopicPartitionOffsetAndUnsignedInputIsAcceptedWithoutASecret() {
        KafkaRawRecordDeserializer deserializer = new KafkaRawRecordDeserializer(null, HEADER);
        deserializer.open(null);

        RawRecord raw =
                deserialize(deserializer, record(BODY.getBytes(StandardCharsets.UTF_8), null));

        assertThat(raw.source).isEqualTo("events/2/41");
        assertThat(raw.payload).isEqualTo(BODY);
        assertThat(raw.rejectReason).isNull();
        assertThat(deserialize(deserializer, record(null, null)).payload).isEmpty();
    }

    @Test
    void withASecretOnlyMatchingSignaturesPass() throws Exception {
        byte[] secret = "s3cret".getBytes(StandardCharsets.UTF_8);
        Path file = Files.write(dir.resolve("secret"), "s3cret\n".getBytes(StandardCharsets.UTF_8));
        KafkaRawRecordDeserializer deserializer =
                new KafkaRawRecordDeserializer(SecretRef.file(file), HEADER);
        deserializer.open(null);
        byte[] body = BODY.getBytes(StandardCharsets.UTF_8);
        String good = new PayloadSignature(secret).sign(body);

        assertThat(deserialize(deserializer, record(body, good)).rejectReason).isNull();
        assertThat(deserialize(deserializer, record(body, good.replace('a', 'b'))).rejectReason)
                .isEqualTo("bad_signature");
        assertThat(deserialize(deserializer, record(body, null)).rejectReason)
                .isEqualTo("bad_signature");
    }
}
