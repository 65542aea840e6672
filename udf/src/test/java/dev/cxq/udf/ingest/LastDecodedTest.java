package dev.cxq.udf.ingest;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

class LastDecodedTest {

    private static final String SAMPLE =
            "{\"event_id\":\"e1\",\"kind\":\"media_sample\",\"session_id\":\"s1\","
                    + "\"ts\":\"2026-03-09T14:00:05Z\",\"mos\":4.0}";

    private static final EventTimeLimits LIMITS = EventTimeLimits.defaults();

    @Test
    void theVerdictOnAFutureTimestampIsKeptWithTheDecode() {
        EventTimeLimits beforeTheSample =
                new EventTimeLimits(Duration.ofSeconds(4), Instant.parse("2026-03-09T14:00:00Z"));
        PayloadDecoder.Decoded kept = LastDecoded.decode(SAMPLE, "f.jsonl:1", beforeTheSample);
        assertThat(kept.rejectReason()).isEqualTo("timestamp_in_future");
        // The parser takes that verdict, whatever its own limits: the watermark did not use it.
        assertThat(LastDecoded.take(SAMPLE, "f.jsonl:1", LIMITS)).isSameAs(kept);
        // Decoding afresh checks with the limits given.
        assertThat(LastDecoded.take(SAMPLE, "f.jsonl:1", beforeTheSample).rejectReason())
                .isEqualTo("timestamp_in_future");
        assertThat(LastDecoded.take(SAMPLE, "f.jsonl:1", LIMITS).isValid()).isTrue();
    }

    @Test
    void theParserTakesTheDecodeOfTheSameRecordOnce() {
        PayloadDecoder.Decoded kept = LastDecoded.decode(SAMPLE, "f.jsonl:1", LIMITS);

        assertThat(LastDecoded.take(SAMPLE, "f.jsonl:1", LIMITS)).isSameAs(kept);
        // Taken: a second parse of the record gets events of its own, equal ones.
        PayloadDecoder.Decoded again = LastDecoded.take(SAMPLE, "f.jsonl:1", LIMITS);
        assertThat(again).isNotSameAs(kept);
        assertThat(again.events()).isEqualTo(kept.events());
    }

    @Test
    void anotherRecordIsDecodedAfresh() {
        PayloadDecoder.Decoded kept = LastDecoded.decode(SAMPLE, "f.jsonl:1", LIMITS);

        PayloadDecoder.Decoded otherSource = LastDecoded.take(SAMPLE, "f.jsonl:2", LIMITS);
        assertThat(otherSource).isNotSameAs(kept);
        assertThat(otherSource.events())
                .singleElement()
                .satisfies(
                        e -> {
                            assertThat(e.source).isEqualTo("f.jsonl:2");
                        });

        LastDecoded.decode(SAMPLE, "f.jsonl:1", LIMITS);
        assertThat(LastDecoded.take("not json", "f.jsonl:1", LIMITS).rejectReason())
                .isEqualTo("invalid_json");
    }

    @Test
    void aDecodeOnAnotherThreadIsNotTaken() throws Exception {
        PayloadDecoder.Decoded[] kept = new PayloadDecoder.Decoded[1];
        Thread source = new Thread(() -> kept[0] = LastDecoded.decode(SAMPLE, "f.jsonl:1", LIMITS));
        source.start();
        source.join();

        assertThat(LastDecoded.take(SAMPLE, "f.jsonl:1", LIMITS)).isNotSameAs(kept[0]);
    }
}
