package dev.cxq.udf.parse;

import dev.cxq.udf.json.InputBounds;
import dev.cxq.udf.json.Json;
import dev.cxq.udf.model.CanonicalEvent;
import dev.cxq.udf.model.Channel;
import dev.cxq.udf.model.EventKind;
import dev.cxq.udf.model.InteractionState;
import dev.cxq.udf.model.MediaType;
import dev.cxq.udf.model.PeerState;
import dev.cxq.udf.model.RecordingMedia;
import dev.cxq.udf.model.RecordingStatus;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class CanonicalEventParserTest {

    private static final String SAMPLE =
            "{\"event_id\":\"e1\",\"kind\":\"media_sample\",\"session_id\":\"s1\","
                    + "\"ts\":\"2026-03-09T14:00:05Z\"";

    private static String reject(String payload) {
        ParseResult result = CanonicalEventParser.parse(payload, "test:1");
        assertThat(result.isValid()).as("expected a rejection of %s", payload).isFalse();
        return result.rejectReason();
    }

    private static CanonicalEvent accept(String payload) {
        ParseResult result = CanonicalEventParser.parse(payload, "test:1");
        assertThat(result.rejectReason()).as("rejection reason of %s", payload).isNull();
        return result.event();
    }

    @Test
    void parsesAFullMediaSample() {
        CanonicalEvent e =
                accept(
                        SAMPLE
                                + ",\"media\":\"video\",\"mos\":4.1,\"jitter_ms\":7.5,\"rtt_ms\":80,"
                                + "\"packet_loss_pct\":0.4,\"bitrate_kbps\":1200,"
                                + "\"peer_state\":\"connected\",\"agent_id\":\"a1\"}");
        assertThat(e.kind).isEqualTo(EventKind.MEDIA_SAMPLE);
        assertThat(e.eventId).isEqualTo("e1");
        assertThat(e.sessionId).isEqualTo("s1");
        assertThat(e.ts).isEqualTo(Instant.parse("2026-03-09T14:00:05Z").toEpochMilli());
        assertThat(e.media).isEqualTo(MediaType.VIDEO);
        assertThat(e.mos).isEqualTo(4.1);
        assertThat(e.jitterMs).isEqualTo(7.5);
        assertThat(e.rttMs).isEqualTo(80.0);
        assertThat(e.packetLossPct).isEqualTo(0.4);
        assertThat(e.bitrateKbps).isEqualTo(1200.0);
        assertThat(e.peerState).isEqualTo(PeerState.CONNECTED);
        assertThat(e.agentId).isEqualTo("a1");
        assertThat(e.source).isEqualTo("test:1");
    }

    @Test
    void sampleMediaDefaultsToAudioAndOptionalNullsAreAbsent() {
        CanonicalEvent e = accept(SAMPLE + ",\"mos\":null,\"agent_id\":null,\"extra\":[1,2]}");
        assertThat(e.media).isEqualTo(MediaType.AUDIO);
        assertThat(e.mos).isNull();
        assertThat(e.agentId).isNull();
    }

    @Test
    void parsesAnInteractionWithPlatformMetrics() {
        CanonicalEvent e =
                accept(
                        "{\"event_id\":\"e2\",\"kind\":\"interaction\",\"session_id\":\"s1\","
                                + "\"ts\":\"2026-03-09T09:30:00-05:00\",\"state\":\"completed\","
                                + "\"agent_id\":\"a1\",\"queue_id\":\"q1\",\"customer_id\":\"c1\","
                                + "\"agent_timezone\":\"America/New_York\",\"disposition\":\"IVR_SELF_SERVICE\","
                                + "\"channel\":\"voice\",\"recording_required\":true,"
                                + "\"metrics\":{\"talk_ms\":60000,\"hold_ms\":5000,\"wrap_ms\":30000,"
                                + "\"queue_wait_ms\":12000}}");
        assertThat(e.kind).isEqualTo(EventKind.INTERACTION);
        assertThat(e.ts).isEqualTo(Instant.parse("2026-03-09T14:30:00Z").toEpochMilli());
        assertThat(e.state).isEqualTo(InteractionState.COMPLETED);
        assertThat(e.state.isTerminal()).isTrue();
        assertThat(e.queueId).isEqualTo("q1");
        assertThat(e.customerId).isEqualTo("c1");
        assertThat(e.agentTimezone).isEqualTo("America/New_York");
        assertThat(e.disposition).isEqualTo("IVR_SELF_SERVICE");
        assertThat(e.channel).isEqualTo(Channel.VOICE);
        assertThat(e.recordingRequired).isTrue();
        assertThat(e.talkMs).isEqualTo(60000L);
        assertThat(e.holdMs).isEqualTo(5000L);
        assertThat(e.wrapMs).isEqualTo(30000L);
        assertThat(e.queueWaitMs).isEqualTo(12000L);
    }

    @Test
    void parsesARecording() {
        CanonicalEvent e =
                accept(
                        "{\"event_id\":\"e3\",\"kind\":\"recording\",\"session_id\":\"s1\","
                                + "\"ts\":\"2026-03-09T17:00:00+00:00\",\"recording_id\":\"r1\","
                                + "\"media\":\"screen\",\"status\":\"uploaded\"}");
        assertThat(e.kind).isEqualTo(EventKind.RECORDING);
        assertThat(e.recordingId).isEqualTo("r1");
        assertThat(e.recordingMedia).isEqualTo(RecordingMedia.SCREEN);
        assertThat(e.recordingStatus).isEqualTo(RecordingStatus.UPLOADED);
    }

    @Test
    void rejectsMalformedJson() {
        assertThat(reject("{\"event_id\": \"e1\", ")).isEqualTo("invalid_json");
        assertThat(reject("")).isEqualTo("invalid_json");
        assertThat(reject("{} trailing")).isEqualTo("invalid_json");
        assertThat(reject("{\"a\":1,\"a\":2}")).isEqualTo("invalid_json");
        assertThat(reject("{\"mos\": NaN}")).isEqualTo("invalid_json");
    }

    @Test
    void rejectsJsonThatIsNotAnObject() {
        assertThat(reject("[{\"event_id\":\"e1\"}]")).isEqualTo("not_a_json_object");
        assertThat(reject("\"text\"")).isEqualTo("not_a_json_object");
        assertThat(reject("42")).isEqualTo("not_a_json_object");
        assertThat(reject("null")).isEqualTo("not_a_json_object");
    }

    @Test
    void rejectsHostileSizesAndNesting() {
        assertThat(reject("{\"x\":\"" + "a".repeat(Json.MAX_PAYLOAD_CHARS) + "\"}"))
                .isEqualTo("payload_too_large");
        assertThat(reject("[".repeat(1000) + "]".repeat(1000))).isEqualTo("invalid_json");
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "{\"kind\":\"media_sample\",\"session_id\":\"s\",\"ts\":\"2026-03-09T14:00:00Z\"}|missing_field:event_id",
                "{\"event_id\":\"\",\"kind\":\"media_sample\",\"session_id\":\"s\",\"ts\":\"2026-03-09T14:00:00Z\"}|empty_field:event_id",
                "{\"event_id\":\"e\",\"kind\":\"media_sample\",\"ts\":\"2026-03-09T14:00:00Z\"}|missing_field:session_id",
                "{\"event_id\":\"e\",\"kind\":\"media_sample\",\"session_id\":null,\"ts\":\"2026-03-09T14:00:00Z\"}|missing_field:session_id",
                "{\"event_id\":\"e\",\"kind\":\"media_sample\",\"session_id\":\"  \",\"ts\":\"2026-03-09T14:00:00Z\"}|empty_field:session_id",
                "{\"event_id\":\"e\",\"kind\":\"media_sample\",\"session_id\":7,\"ts\":\"2026-03-09T14:00:00Z\"}|wrong_type:session_id",
                "{\"event_id\":\"e\",\"session_id\":\"s\",\"ts\":\"2026-03-09T14:00:00Z\"}|missing_field:kind",
                "{\"event_id\":\"e\",\"kind\":\"chat\",\"session_id\":\"s\",\"ts\":\"2026-03-09T14:00:00Z\"}|unknown_value:kind",
                "{\"event_id\":\"e\",\"kind\":\"media_sample\",\"session_id\":\"s\"}|missing_field:ts",
                "{\"event_id\":\"e\",\"kind\":\"media_sample\",\"session_id\":\"s\",\"ts\":1773064800000}|wrong_type:ts",
                "{\"event_id\":\"e\",\"kind\":\"media_sample\",\"session_id\":\"s\",\"ts\":\"2026-03-09T14:00:00\"}|timestamp_without_offset",
                "{\"event_id\":\"e\",\"kind\":\"media_sample\",\"session_id\":\"s\",\"ts\":\"2026-03-09 14:00\"}|invalid_timestamp:ts",
                "{\"event_id\":\"e\",\"kind\":\"media_sample\",\"session_id\":\"s\",\"ts\":\"2026-02-30T14:00:00Z\"}|invalid_timestamp:ts",
                "{\"event_id\":\"e\",\"kind\":\"media_sample\",\"session_id\":\"s\",\"ts\":\"yesterday\"}|invalid_timestamp:ts",
            })
    void rejectsBadCommonFields(String payload, String reason) {
        assertThat(reject(payload)).isEqualTo(reason);
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "\"mos\":0.9|out_of_range:mos",
                "\"mos\":5.01|out_of_range:mos",
                "\"mos\":\"4.2\"|wrong_type:mos",
                "\"jitter_ms\":-1|out_of_range:jitter_ms",
                "\"rtt_ms\":-0.5|out_of_range:rtt_ms",
                "\"packet_loss_pct\":100.5|out_of_range:packet_loss_pct",
                "\"packet_loss_pct\":-2|out_of_range:packet_loss_pct",
                "\"bitrate_kbps\":-15|out_of_range:bitrate_kbps",
                "\"bitrate_kbps\":true|wrong_type:bitrate_kbps",
                "\"media\":\"hologram\"|unknown_value:media",
                "\"peer_state\":\"closed\"|unknown_value:peer_state",
                "\"agent_id\":17|wrong_type:agent_id",
            })
    void rejectsBadMediaSampleFields(String field, String reason) {
        assertThat(reject(SAMPLE + "," + field + "}")).isEqualTo(reason);
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "|missing_field:state",
                ",\"state\":\"paused\"|unknown_value:state",
                ",\"state\":3|wrong_type:state",
                ",\"state\":\"connected\",\"agent_timezone\":\"Mars/Olympus\"|invalid_timezone:agent_timezone",
                ",\"state\":\"connected\",\"channel\":\"fax\"|unknown_value:channel",
                ",\"state\":\"connected\",\"recording_required\":\"yes\"|wrong_type:recording_required",
                ",\"state\":\"completed\",\"metrics\":[1]|wrong_type:metrics",
                ",\"state\":\"completed\",\"metrics\":{\"talk_ms\":-5}|out_of_range:metrics.talk_ms",
                ",\"state\":\"completed\",\"metrics\":{\"hold_ms\":\"5\"}|wrong_type:metrics.hold_ms",
            })
    void rejectsBadInteractionFields(String fields, String reason) {
        String payload =
                "{\"event_id\":\"e\",\"kind\":\"interaction\",\"session_id\":\"s\","
                        + "\"ts\":\"2026-03-09T14:00:00Z\""
                        + (fields == null ? "" : fields)
                        + "}";
        assertThat(reject(payload)).isEqualTo(reason);
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "\"media\":\"screen\",\"status\":\"uploaded\"|missing_field:recording_id",
                "\"recording_id\":\"r\",\"status\":\"uploaded\"|missing_field:media",
                "\"recording_id\":\"r\",\"media\":\"video\",\"status\":\"uploaded\"|unknown_value:media",
                "\"recording_id\":\"r\",\"media\":\"screen\"|missing_field:status",
                "\"recording_id\":\"r\",\"media\":\"screen\",\"status\":\"lost\"|unknown_value:status",
            })
    void rejectsBadRecordingFields(String fields, String reason) {
        String payload =
                "{\"event_id\":\"e\",\"kind\":\"recording\",\"session_id\":\"s\","
                        + "\"ts\":\"2026-03-09T14:00:00Z\","
                        + fields
                        + "}";
        assertThat(reject(payload)).isEqualTo(reason);
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "+300000-01-01T00:00:00Z|timestamp_out_of_range",
                "+10000-01-01T00:00:00Z|timestamp_out_of_range",
                "1999-12-31T23:59:59.999Z|timestamp_out_of_range",
                "1970-01-01T00:00:00Z|timestamp_out_of_range",
                "-0001-01-01T00:00:00Z|timestamp_out_of_range",
            })
    void rejectsTimestampsNoSinkCanHold(String ts, String reason) {
        assertThat(
                        reject(
                                "{\"event_id\":\"e\",\"kind\":\"media_sample\","
                                        + "\"session_id\":\"s\",\"ts\":\""
                                        + ts
                                        + "\"}"))
                .isEqualTo(reason);
    }

    @Test
    void acceptsTheFirstAndLastRepresentableTimestamps() {
        String prefix = "{\"event_id\":\"e\",\"kind\":\"media_sample\",\"session_id\":\"s\",";
        assertThat(accept(prefix + "\"ts\":\"2000-01-01T00:00:00Z\"}").ts)
                .isEqualTo(InputBounds.MIN_TS_MILLIS);
        assertThat(accept(prefix + "\"ts\":\"9999-12-31T23:59:59.999Z\"}").ts)
                .isEqualTo(InputBounds.MAX_TS_MILLIS);
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "event_id|s\\u0000x",
                "session_id|s\\u0000x",
                "session_id|line\\nbreak",
                "session_id|bell\\u0007",
                "session_id|del\\u007f",
                "session_id|c1\\u0085",
                "session_id|half\\ud800pair",
                "session_id|\\udc00low first",
                "agent_id|a\\u0000",
                "queue_id|tab\\tq",
                "customer_id|c\\u001b[31m",
                "disposition|d\\r",
            })
    void rejectsTextWithControlCharactersOrBrokenSurrogates(String field, String jsonText) {
        StringBuilder payload =
                new StringBuilder(
                        "{\"kind\":\"interaction\",\"ts\":\"2026-03-09T14:00:00Z\","
                                + "\"state\":\"connected\"");
        for (String id : List.of("event_id", "session_id")) {
            if (!id.equals(field)) {
                payload.append(",\"").append(id).append("\":\"x\"");
            }
        }
        payload.append(",\"").append(field).append("\":\"").append(jsonText).append("\"}");
        assertThat(reject(payload.toString())).isEqualTo("invalid_characters:" + field);
    }

    @Test
    void acceptsTextWithPairedSurrogatesAndNonAsciiLetters() {
        CanonicalEvent e = accept(SAMPLE + ",\"agent_id\":\"J\u00f6rg \ud83d\ude00\"}");
        assertThat(e.agentId).isEqualTo("J\u00f6rg \ud83d\ude00");
    }

    @Test
    void rejectsTextLongerThanTheBound() {
        String longest = "a".repeat(InputBounds.MAX_TEXT_CHARS);
        assertThat(accept(SAMPLE + ",\"agent_id\":\"" + longest + "\"}").agentId)
                .isEqualTo(longest);
        assertThat(reject(SAMPLE + ",\"agent_id\":\"" + longest + "b\"}"))
                .isEqualTo("too_long:agent_id");
        assertThat(
                        reject(
                                "{\"event_id\":\""
                                        + longest
                                        + "b\",\"kind\":\"media_sample\",\"session_id\":\"s\","
                                        + "\"ts\":\"2026-03-09T14:00:00Z\"}"))
                .isEqualTo("too_long:event_id");
    }

    @Test
    void rejectsDurationsThatCouldOverflow() {
        String payload =
                "{\"event_id\":\"e\",\"kind\":\"interaction\",\"session_id\":\"s\","
                        + "\"ts\":\"2026-03-09T14:00:00Z\",\"state\":\"completed\",\"metrics\":";
        assertThat(accept(payload + "{\"talk_ms\":" + InputBounds.MAX_DURATION_MS + "}}").talkMs)
                .isEqualTo(InputBounds.MAX_DURATION_MS);
        assertThat(reject(payload + "{\"talk_ms\":" + (InputBounds.MAX_DURATION_MS + 1) + "}}"))
                .isEqualTo("out_of_range:metrics.talk_ms");
        assertThat(reject(payload + "{\"wrap_ms\":9.3e18}}"))
                .isEqualTo("out_of_range:metrics.wrap_ms");
    }

    @Test
    void fieldsOfOtherKindsAreIgnored() {
        CanonicalEvent e = accept(SAMPLE + ",\"state\":\"not-a-state\",\"status\":42}");
        assertThat(e.state).isNull();
        assertThat(e.recordingStatus).isNull();
    }
}
