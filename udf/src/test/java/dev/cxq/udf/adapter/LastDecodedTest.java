package dev.cxq.udf.adapter;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class LastDecodedTest {

    private static final String SAMPLE =
            "{\"event_id\":\"e1\",\"kind\":\"media_sample\",\"session_id\":\"s1\","
                    + "\"ts\":\"2026-03-09T14:00:05Z\",\"mos\":4.0}";

    @Test
    void theParserTakesTheDecodeOfTheSameRecordOnce() {
        PayloadDecoder.Decoded kept = LastDecoded.decode(SAMPLE, "f.jsonl:1");

        assertThat(LastDecoded.take(SAMPLE, "f.jsonl:1")).isSameAs(kept);
        // Taken: a second parse of the record gets events of its own, equal ones.
        PayloadDecoder.Decoded again = LastDecoded.take(SAMPLE, "f.jsonl:1");
        assertThat(again).isNotSameAs(kept);
        assertThat(again.events()).isEqualTo(kept.events());
    }

    @Test
    void anotherRecordIsDecodedAfresh() {
        PayloadDecoder.Decoded kept = LastDecoded.decode(SAMPLE, "f.jsonl:1");

        PayloadDecoder.Decoded otherSource = LastDecoded.take(SAMPLE, "f.jsonl:2");
        assertThat(otherSource).isNotSameAs(kept);
        assertThat(otherSource.events())
                .singleElement()
                .satisfies(
                        e -> {
                            assertThat(e.source).isEqualTo("f.jsonl:2");
                        });

        LastDecoded.decode(SAMPLE, "f.jsonl:1");
        assertThat(LastDecoded.take("not json", "f.jsonl:1").rejectReason())
                .isEqualTo("invalid_json");
    }

    @Test
    void aDecodeOnAnotherThreadIsNotTaken() throws Exception {
        PayloadDecoder.Decoded[] kept = new PayloadDecoder.Decoded[1];
        Thread source = new Thread(() -> kept[0] = LastDecoded.decode(SAMPLE, "f.jsonl:1"));
        source.start();
        source.join();

        assertThat(LastDecoded.take(SAMPLE, "f.jsonl:1")).isNotSameAs(kept[0]);
    }
}
