package dev.cxq.udf.ingest;

import dev.cxq.udf.model.CanonicalEvent;
import dev.cxq.udf.model.RawRecord;
import dev.cxq.udf.testing.ContractRules;

import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class RecordDecodingTest {

    private static final String SAMPLE =
            "{\"event_id\":\"e1\",\"kind\":\"media_sample\",\"session_id\":\"s1\","
                    + "\"ts\":\"2026-03-09T14:00:05Z\",\"mos\":4.0}";

    private static final EventTimeLimits LIMITS = ContractRules.EVENT_TIME_LIMITS;

    private static final EventTimeLimits BEFORE_THE_SAMPLE =
            new EventTimeLimits(Duration.ofSeconds(4), Instant.parse("2026-03-09T14:00:00Z"));

    @Test
    void theVerdictOnAFutureTimestampTravelsWithTheRecord() {
        RawRecord record = new RawRecord("f.jsonl:1", SAMPLE);

        assertThat(RecordDecoding.decodeInto(record, BEFORE_THE_SAMPLE).rejectReason())
                .isEqualTo("timestamp_in_future");
        // The parser takes that verdict, whatever its own limits: the watermark did not use it.
        assertThat(RecordDecoding.outcome(record, LIMITS).rejectReason())
                .isEqualTo("timestamp_in_future");
        // A record decoded by the parser is checked with the parser's limits.
        RawRecord undecoded = new RawRecord("f.jsonl:1", SAMPLE);
        assertThat(RecordDecoding.outcome(undecoded, BEFORE_THE_SAMPLE).rejectReason())
                .isEqualTo("timestamp_in_future");
        assertThat(RecordDecoding.outcome(undecoded, LIMITS).isValid()).isTrue();
    }

    @Test
    void theParserTakesTheEventsTheRecordCarriesInsteadOfReadingThePayload() {
        RawRecord record = new RawRecord("f.jsonl:1", SAMPLE);
        List<CanonicalEvent> decoded = RecordDecoding.decodeInto(record, LIMITS).events();
        assertThat(decoded).singleElement().satisfies(e -> assertThat(e.eventId).isEqualTo("e1"));

        record.payload = "not json";
        assertThat(RecordDecoding.outcome(record, LIMITS).events()).isSameAs(decoded);
        // Kept once: a second assigner call does not decode again.
        assertThat(RecordDecoding.decodeInto(record, LIMITS).events()).isSameAs(decoded);
    }

    @Test
    void aSourceRejectionIsKeptWithoutReadingThePayload() {
        RawRecord forged = new RawRecord("events/0/3", SAMPLE);
        forged.rejectReason = "bad_signature";

        assertThat(RecordDecoding.decodeInto(forged, LIMITS).rejectReason())
                .isEqualTo("bad_signature");
        assertThat(forged.events).isNull();
    }

    /**
     * Between operators the record is copied (chained, without object reuse) or serialized (not
     * chained) by its Flink serializer, a POJO serializer without Kryo: the decode must survive
     * both.
     */
    @Test
    void theDecodeSurvivesTheRecordSerializer() throws IOException {
        SerializerConfigImpl config = new SerializerConfigImpl();
        config.setGenericTypes(false);
        TypeSerializer<RawRecord> serializer =
                TypeInformation.of(RawRecord.class).createSerializer(config);
        RawRecord record = new RawRecord("f.jsonl:1", SAMPLE);
        List<CanonicalEvent> decoded = RecordDecoding.decodeInto(record, LIMITS).events();

        assertThat(serializer.copy(record).events).isEqualTo(decoded);
        DataOutputSerializer out = new DataOutputSerializer(256);
        serializer.serialize(record, out);
        RawRecord received =
                serializer.deserialize(new DataInputDeserializer(out.getCopyOfBuffer()));
        assertThat(received.events).isEqualTo(decoded);
        assertThat(RecordDecoding.outcome(received, LIMITS).events()).isEqualTo(decoded);
    }
}
