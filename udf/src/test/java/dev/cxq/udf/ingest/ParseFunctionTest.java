package dev.cxq.udf.ingest;

import dev.cxq.udf.model.CanonicalEvent;
import dev.cxq.udf.model.RawRecord;
import dev.cxq.udf.rows.OutputTags;
import dev.cxq.udf.rows.RejectedEvent;
import dev.cxq.udf.testing.ContractRules;

import org.apache.flink.streaming.api.operators.ProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;

import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

class ParseFunctionTest {

    @Test
    void routesSamplesToTheMainOutputOtherEventsAndRejectionsToSideOutputs() throws Exception {
        try (OneInputStreamOperatorTestHarness<RawRecord, CanonicalEvent> harness =
                new OneInputStreamOperatorTestHarness<>(new ProcessOperator<>(parser()))) {
            harness.open();
            String valid =
                    "{\"event_id\":\"e1\",\"kind\":\"media_sample\",\"session_id\":\"s1\","
                            + "\"ts\":\"2026-03-09T14:00:05Z\",\"mos\":4.0}";
            String bad = "{\"event_id\":\"e2\",\"kind\":\"media_sample\"\u0000";
            String interaction =
                    "{\"event_id\":\"e3\",\"kind\":\"interaction\",\"session_id\":\"s1\","
                            + "\"ts\":\"2026-03-09T14:00:00Z\",\"state\":\"connected\","
                            + "\"agent_id\":\"a1\",\"queue_id\":\"q1\",\"channel\":\"voice\"}";
            long sampleTime = Instant.parse("2026-03-09T14:00:05Z").toEpochMilli();
            harness.processElement(
                    new StreamRecord<>(new RawRecord("f.jsonl:1", valid), sampleTime));
            harness.processElement(new StreamRecord<>(new RawRecord("f.jsonl:2", bad)));
            harness.processElement(new StreamRecord<>(new RawRecord("f.jsonl:3", interaction)));

            assertThat(harness.extractOutputValues())
                    .singleElement()
                    .satisfies(e -> assertThat(e.eventId).isEqualTo("e1"));
            assertThat(harness.getSideOutput(ParseFunction.INTERACTION_AND_RECORDING_EVENTS))
                    .singleElement()
                    .satisfies(e -> assertThat(e.getValue().eventId).isEqualTo("e3"));
            // Every record read, the rejected one too, passes on its split for pipeline_status.
            assertThat(harness.getSideOutput(ParseFunction.RECORDS_READ))
                    .extracting(StreamRecord::getValue, StreamRecord::getTimestamp)
                    .containsExactly(
                            tuple("f.jsonl", sampleTime),
                            tuple("f.jsonl", Long.MIN_VALUE),
                            tuple("f.jsonl", Long.MIN_VALUE));
            ConcurrentLinkedQueue<StreamRecord<RejectedEvent>> rejected =
                    harness.getSideOutput(OutputTags.REJECTED_EVENTS);
            List<RejectedEvent> rows = rejected.stream().map(StreamRecord::getValue).toList();
            assertThat(rows).hasSize(1);
            RejectedEvent row = rows.get(0);
            assertThat(row.reason()).isEqualTo("invalid_json");
            assertThat(row.source()).isEqualTo("f.jsonl:2");
            assertThat(row.payload()).doesNotContain("\u0000").contains("e2");
            assertThat(row.eventKey()).hasSize(64);
        }
    }

    private static String sampleAt(String id, String ts) {
        return "{\"event_id\":\""
                + id
                + "\",\"kind\":\"media_sample\",\"session_id\":\"s1\","
                + "\"ts\":\""
                + ts
                + "\",\"mos\":4.0}";
    }

    private static List<String> lateIds(
            OneInputStreamOperatorTestHarness<RawRecord, CanonicalEvent> h) {
        return h.extractOutputValues().stream()
                .filter(e -> e.lateOnArrival)
                .map(e -> e.eventId)
                .toList();
    }

    @Test
    void anEventBehindItsOwnSplitsWatermarkIsMarkedLateWhateverOtherSplitsDelivered()
            throws Exception {
        try (OneInputStreamOperatorTestHarness<RawRecord, CanonicalEvent> harness =
                new OneInputStreamOperatorTestHarness<>(new ProcessOperator<>(parser()))) {
            harness.open();
            harness.processElement(
                    new StreamRecord<>(
                            new RawRecord("a.jsonl:1", sampleAt("a1", "2026-03-09T14:01:00Z"))));
            // 10 s behind a1: exactly on the bound, still in order.
            harness.processElement(
                    new StreamRecord<>(
                            new RawRecord("a.jsonl:2", sampleAt("a2", "2026-03-09T14:00:50Z"))));
            // 10.001 s behind: behind the watermark (max - bound - 1 ms).
            harness.processElement(
                    new StreamRecord<>(
                            new RawRecord(
                                    "a.jsonl:3", sampleAt("a3", "2026-03-09T14:00:49.999Z"))));
            // Another split has its own watermark: a minute earlier is in order there.
            harness.processElement(
                    new StreamRecord<>(
                            new RawRecord("t/1/7", sampleAt("k1", "2026-03-09T14:00:00Z"))));

            assertThat(lateIds(harness)).containsExactly("a3");
        }
    }

    @Test
    void theSplitsLargestEventTimeSurvivesARestore() throws Exception {
        OneInputStreamOperatorTestHarness<RawRecord, CanonicalEvent> before =
                new OneInputStreamOperatorTestHarness<>(new ProcessOperator<>(parser()));
        before.open();
        before.processElement(
                new StreamRecord<>(
                        new RawRecord("a.jsonl:1", sampleAt("a1", "2026-03-09T14:01:00Z"))));
        var snapshot = before.snapshot(1, 1);
        before.close();

        // The source restores its split to the same subtask, and this state with it.
        try (OneInputStreamOperatorTestHarness<RawRecord, CanonicalEvent> after =
                new OneInputStreamOperatorTestHarness<>(new ProcessOperator<>(parser()))) {
            after.initializeState(snapshot);
            after.open();
            after.processElement(
                    new StreamRecord<>(
                            new RawRecord("a.jsonl:2", sampleAt("a2", "2026-03-09T14:00:30Z"))));
            assertThat(lateIds(after)).containsExactly("a2");
        }
    }

    @Test
    void rejectionKeyIsStableAcrossReplaysAndDistinctPerPosition() {
        RawRecord record = new RawRecord("f.jsonl:7", "not json");
        String key = ParseFunction.rejection(record, "invalid_json").eventKey();
        assertThat(ParseFunction.rejection(record, "invalid_json").eventKey()).isEqualTo(key);
        assertThat(
                        ParseFunction.rejection(
                                        new RawRecord("f.jsonl:8", "not json"), "invalid_json")
                                .eventKey())
                .isNotEqualTo(key);
    }

    @Test
    void truncatesLongPayloads() {
        String payload = "x".repeat(RejectedEvent.MAX_PAYLOAD_CHARS * 2);
        RejectedEvent row = ParseFunction.rejection(new RawRecord("f:1", payload), "invalid_json");
        assertThat(row.payload()).hasSize(RejectedEvent.MAX_PAYLOAD_CHARS);
    }

    @Test
    void platformPayloadsYieldTheirEventsAndSourceRejectionsAreKept() throws Exception {
        try (OneInputStreamOperatorTestHarness<RawRecord, CanonicalEvent> harness =
                new OneInputStreamOperatorTestHarness<>(new ProcessOperator<>(parser()))) {
            harness.open();
            String niceContact =
                    "{\"contactId\":7,\"contactStart\":\"2026-03-09T14:00:00Z\","
                            + "\"agentSeconds\":60,\"abandoned\":false}";
            RawRecord forged = new RawRecord("events/0/3", niceContact);
            forged.rejectReason = "bad_signature";
            harness.processElement(new StreamRecord<>(new RawRecord("events/0/2", niceContact)));
            harness.processElement(new StreamRecord<>(forged));

            assertThat(harness.getSideOutput(ParseFunction.INTERACTION_AND_RECORDING_EVENTS))
                    .extracting(e -> e.getValue().eventId)
                    .containsExactly("nice:7:queued", "nice:7:completed");
            assertThat(harness.getSideOutput(OutputTags.REJECTED_EVENTS))
                    .singleElement()
                    .satisfies(
                            r -> {
                                assertThat(r.getValue().reason()).isEqualTo("bad_signature");
                                assertThat(r.getValue().source()).isEqualTo("events/0/3");
                            });
        }
    }

    private static ParseFunction parser() {
        return new ParseFunction(
                ContractRules.EVENT_TIME_LIMITS, ContractRules.MAX_OUT_OF_ORDERNESS);
    }
}
