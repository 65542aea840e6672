package dev.cxq.udf.parse;

import dev.cxq.udf.adapter.PayloadShape;
import dev.cxq.udf.json.Json;
import dev.cxq.udf.json.RejectedRecordException;
import dev.cxq.udf.model.CanonicalEvent;
import dev.cxq.udf.model.Channel;
import dev.cxq.udf.model.EventKind;
import dev.cxq.udf.model.InteractionState;
import dev.cxq.udf.model.MediaType;
import dev.cxq.udf.model.PeerState;
import dev.cxq.udf.model.RecordingMedia;
import dev.cxq.udf.model.RecordingStatus;
import dev.cxq.udf.model.WireEnum;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The streaming reader gives every payload the result its tree gives ({@link
 * CanonicalEventParser#parse(com.fasterxml.jackson.databind.JsonNode, String)} after {@link
 * Json#readTree}): the same event, field by field, or the same reason. The corpus is valid events
 * of every kind and enum value, each mutated systematically: every field removed, repeated, given
 * each value of a list of every type and edge (nulls, empties, out of range, bad text, containers,
 * every wire name, numbers past the limits), junk nested in unknown fields, every truncation, and
 * trailing tokens.
 */
class CanonicalEventReaderTest {

    private static final String SOURCE = "test:1";

    /** Values every field is given in turn, raw JSON. */
    private static final List<String> VALUES =
            Stream.concat(
                            Stream.of(
                                    "null",
                                    "\"\"",
                                    "\"  \"",
                                    "\"x\"",
                                    "\"AUDIO\"",
                                    "0",
                                    "-1",
                                    "1",
                                    "0.5",
                                    "1.0",
                                    "5",
                                    "5.0000001",
                                    "100",
                                    "100.5",
                                    "-0.0",
                                    "4.2E0",
                                    "1e400",
                                    "-1e400",
                                    "1e-400",
                                    "123456789012345678901234567890",
                                    "9".repeat(64),
                                    "9".repeat(65),
                                    "0." + "3".repeat(62),
                                    "2592000000",
                                    "2592000001",
                                    "2592000000.4",
                                    "01",
                                    "NaN",
                                    "true",
                                    "false",
                                    "{}",
                                    "[]",
                                    "{\"talk_ms\":1}",
                                    "[1,{\"a\":[2]}]",
                                    "{\"a\":1,\"a\":2}",
                                    "[{\"a\":{\"b\":1,\"b\":1}}]",
                                    quoted("a".repeat(256)),
                                    quoted("a".repeat(257)),
                                    "\"a\\u0000b\"",
                                    "\"a\u0001b\"",
                                    "\"\\ud800\"",
                                    "\"\\ud83d\\ude00\"",
                                    "\"\\q\"",
                                    "\"2026-03-09T14:00:05\"",
                                    "\"2026-03-09T14:00:05+01:00\"",
                                    "\"2026-03-09T14:00:05.123456Z\"",
                                    "\"1999-12-31T23:59:59.999Z\"",
                                    "\"2000-01-01T00:00:00Z\"",
                                    "\"9999-12-31T23:59:59.999Z\"",
                                    "\"+10000-01-01T00:00:00Z\"",
                                    "\"2026-02-30T00:00:00Z\"",
                                    "\"Mars/Olympus\"",
                                    "\"Europe/Paris\"",
                                    "\"UTC\""),
                            wireNames().stream().map(CanonicalEventReaderTest::quoted))
                    .toList();

    /** Values of unknown fields: skipped, but refused where the tree refuses them. */
    private static final List<String> JUNK =
            List.of(
                    "{\"a\":[1,{\"b\":null,\"c\":\"x\"}],\"d\":{\"e\":{}}}",
                    "[[[[[]]]],{},\"x\",-0.5e3,true,false,null]",
                    "{\"kind\":\"recording\",\"event_id\":{\"event_id\":1}}",
                    "{\"contactId\":1,\"topicName\":\"x\"}",
                    "{\"a\":{\"b\":1},\"a\":{\"b\":1}}",
                    "[{\"a\":1,\"b\":2,\"a\":3}]",
                    "\"a\u0001b\"",
                    "\"\\x\"",
                    "[1,]",
                    "9".repeat(65),
                    "1e99999",
                    nested(62),
                    nested(63),
                    nested(64));

    private static final List<String> TRAILING =
            List.of(" ", "\n", "\t\r\n ", " {}", "{}", "x", "]", "}", " null", ",", "/", "\u0000");

    private static final List<String> ROOTS =
            List.of(
                    "",
                    " ",
                    "null",
                    "true",
                    "1",
                    "-0.0",
                    "\"x\"",
                    "[]",
                    "[1,2]",
                    "[{\"a\":1,\"a\":2}]",
                    "[{\"event_id\":\"e\"}]",
                    "{}",
                    "{\"a\":1}",
                    "{\"a\":1,\"a\":2}",
                    "\"x\" \"y\"",
                    "[] []",
                    "nul",
                    nested(64),
                    nested(65),
                    "{\"metrics\":" + nested(63) + "}",
                    "{\"metrics\":" + nested(64) + "}");

    @Test
    void readsEveryPayloadAsItsTreeIs() throws IllegalAccessException {
        Set<String> reasons = new TreeSet<>();
        int valid = 0;
        int compared = 0;
        for (String payload : corpus()) {
            ParseResult tree = fromTree(payload);
            ParseResult read =
                    CanonicalEventReader.read(payload, SOURCE, PayloadShape.PLATFORM_KEYS);
            assertThat(read).as("read %s", payload).isNotNull();
            assertThat(differences(read, tree)).as(payload).isEmpty();
            if (read.isValid()) {
                valid++;
            } else {
                reasons.add(read.rejectReason().replaceFirst(":.*", ""));
            }
            compared++;
        }
        // The corpus reaches every rule, so a divergence anywhere would show.
        assertThat(compared).isGreaterThan(20_000);
        assertThat(valid).isGreaterThan(1_000);
        assertThat(reasons)
                .containsExactlyInAnyOrder(
                        "payload_too_large",
                        "invalid_json",
                        "not_a_json_object",
                        "missing_field",
                        "empty_field",
                        "wrong_type",
                        "out_of_range",
                        "unknown_value",
                        "timestamp_without_offset",
                        "invalid_timestamp",
                        "timestamp_out_of_range",
                        "invalid_timezone",
                        "too_long",
                        "invalid_characters");
    }

    /**
     * The decoder leaves payloads of a platform shape to the tree: the reader stops at their keys,
     * at the top level only, and reads them as canonical when no key stops it.
     */
    @Test
    void stopsAtATopLevelPlatformKey() throws IOException, IllegalAccessException {
        for (Obj event : events()) {
            for (String key : PayloadShape.PLATFORM_KEYS) {
                String payload = event.copy().put(key, "\"x\"").json();
                assertThat(CanonicalEventReader.read(payload, SOURCE, PayloadShape.PLATFORM_KEYS))
                        .as(payload)
                        .isNull();
                assertThat(
                                differences(
                                        CanonicalEventParser.parse(payload, SOURCE),
                                        fromTree(payload)))
                        .as(payload)
                        .isEmpty();
                String nested = event.copy().set(List.of("metrics"), "{\"" + key + "\":1}").json();
                assertThat(CanonicalEventReader.read(nested, SOURCE, PayloadShape.PLATFORM_KEYS))
                        .as(nested)
                        .isNotNull();
            }
        }
        int platform = 0;
        try (Stream<Path> files = Files.walk(Path.of("src/test/resources/payloads"))) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                String payload = Files.readString(file);
                if (PayloadShape.detect(Json.readTree(payload)) != PayloadShape.CANONICAL) {
                    assertThat(
                                    CanonicalEventReader.read(
                                            payload, SOURCE, PayloadShape.PLATFORM_KEYS))
                            .as(file.toString())
                            .isNull();
                    platform++;
                }
            }
        }
        assertThat(platform).isGreaterThanOrEqualTo(8);
    }

    /** The reason and every field CanonicalEvent declares, whatever its equals compares. */
    private static List<String> differences(ParseResult read, ParseResult tree)
            throws IllegalAccessException {
        List<String> differences = new ArrayList<>();
        if (!Objects.equals(read.rejectReason(), tree.rejectReason())) {
            differences.add("reason " + read.rejectReason() + " != " + tree.rejectReason());
        }
        if (read.event() == null || tree.event() == null) {
            if (read.event() != tree.event()) {
                differences.add("event " + read.event() + " != " + tree.event());
            }
            return differences;
        }
        for (Field field : CanonicalEvent.class.getDeclaredFields()) {
            if (!Modifier.isStatic(field.getModifiers())) {
                Object a = field.get(read.event());
                Object b = field.get(tree.event());
                if (!Objects.equals(a, b)) {
                    differences.add(field.getName() + " " + a + " != " + b);
                }
            }
        }
        return differences;
    }

    private static ParseResult fromTree(String payload) {
        try {
            return CanonicalEventParser.parse(Json.readTree(payload), SOURCE);
        } catch (RejectedRecordException e) {
            return ParseResult.rejected(e.reason());
        }
    }

    private static List<String> corpus() {
        List<String> corpus = new ArrayList<>(ROOTS);
        // At the length limit and one char beyond it.
        int room =
                Json.MAX_PAYLOAD_CHARS
                        - events().get(0).json().length()
                        - ",\"junk\":\"\"".length();
        corpus.add(events().get(0).put("junk", quoted("x".repeat(room))).json());
        corpus.add(events().get(0).put("junk", quoted("x".repeat(room + 1))).json());
        for (Obj event : events()) {
            String json = event.json();
            corpus.add(json);
            corpus.add(event.reversed().json());
            for (int end = 0; end < json.length(); end++) {
                corpus.add(json.substring(0, end));
            }
            for (String trailing : TRAILING) {
                corpus.add(json + trailing);
            }
            for (String junk : JUNK) {
                corpus.add(event.copy().put("junk", junk).json());
                corpus.add(
                        event.copy()
                                .set(List.of("metrics"), "{\"talk_ms\":1,\"junk\":" + junk + "}")
                                .json());
            }
            for (List<String> path : event.paths()) {
                corpus.add(event.copy().remove(path).json());
                corpus.add(event.copy().repeat(path, null).json());
                corpus.add(event.copy().repeat(path, "null").json());
                for (String value : VALUES) {
                    corpus.add(event.copy().set(path, value).json());
                }
            }
        }
        return corpus;
    }

    /** Valid events of every kind, together holding every enum value of every field. */
    private static List<Obj> events() {
        List<Obj> events = new ArrayList<>();
        for (MediaType media : MediaType.values()) {
            for (PeerState peer : PeerState.values()) {
                events.add(
                        head(EventKind.MEDIA_SAMPLE)
                                .put("media", wire(media))
                                .put("mos", "4.1")
                                .put("jitter_ms", "7.5")
                                .put("rtt_ms", "80")
                                .put("packet_loss_pct", "0.4")
                                .put("bitrate_kbps", "1200")
                                .put("peer_state", wire(peer))
                                .put("agent_id", "\"a1\""));
            }
        }
        events.add(head(EventKind.MEDIA_SAMPLE));
        for (InteractionState state : InteractionState.values()) {
            Channel channel = Channel.values()[state.ordinal() % Channel.values().length];
            events.add(
                    head(EventKind.INTERACTION)
                            .put("state", wire(state))
                            .put("agent_id", "\"a1\"")
                            .put("queue_id", "\"q1\"")
                            .put("customer_id", "\"c1\"")
                            .put("agent_timezone", "\"America/New_York\"")
                            .put("disposition", "\"IVR_SELF_SERVICE\"")
                            .put("channel", wire(channel))
                            .put("recording_required", state.ordinal() % 2 == 0 ? "true" : "false")
                            .put(
                                    "metrics",
                                    new Obj()
                                            .put("talk_ms", "120000")
                                            .put("hold_ms", "1500.6")
                                            .put("wrap_ms", "0")
                                            .put("queue_wait_ms", "2e3")));
        }
        events.add(head(EventKind.INTERACTION).put("state", "\"queued\""));
        for (RecordingMedia media : RecordingMedia.values()) {
            for (RecordingStatus status : RecordingStatus.values()) {
                events.add(
                        head(EventKind.RECORDING)
                                .put("recording_id", "\"r1\"")
                                .put("media", wire(media))
                                .put("status", wire(status)));
            }
        }
        return events;
    }

    private static Obj head(EventKind kind) {
        return new Obj()
                .put("event_id", "\"e1\"")
                .put("kind", wire(kind))
                .put("session_id", "\"s1\"")
                .put("ts", "\"2026-03-09T14:00:05.250-05:00\"");
    }

    private static List<String> wireNames() {
        return Stream.of(
                        EventKind.values(),
                        MediaType.values(),
                        PeerState.values(),
                        InteractionState.values(),
                        Channel.values(),
                        RecordingMedia.values(),
                        RecordingStatus.values())
                .flatMap(Stream::of)
                .map(WireEnum::wireName)
                .toList();
    }

    private static String wire(WireEnum value) {
        return quoted(value.wireName());
    }

    private static String quoted(String text) {
        return "\"" + text + "\"";
    }

    /** {@code depth} nested arrays. */
    private static String nested(int depth) {
        return "[".repeat(depth) + "]".repeat(depth);
    }

    /** A JSON object as ordered keys and values (raw JSON or a nested object), to mutate. */
    private static final class Obj {

        private final List<String> keys = new ArrayList<>();
        private final List<Object> values = new ArrayList<>();

        Obj put(String key, Object value) {
            keys.add(key);
            values.add(value);
            return this;
        }

        Obj copy() {
            Obj copy = new Obj();
            for (int i = 0; i < keys.size(); i++) {
                Object value = values.get(i);
                copy.put(keys.get(i), value instanceof Obj obj ? obj.copy() : value);
            }
            return copy;
        }

        Obj reversed() {
            Obj reversed = new Obj();
            for (int i = keys.size() - 1; i >= 0; i--) {
                reversed.put(keys.get(i), values.get(i));
            }
            return reversed;
        }

        /** Paths to every field, nested ones included. */
        List<List<String>> paths() {
            List<List<String>> paths = new ArrayList<>();
            for (int i = 0; i < keys.size(); i++) {
                paths.add(List.of(keys.get(i)));
                if (values.get(i) instanceof Obj obj) {
                    for (List<String> path : obj.paths()) {
                        List<String> full = new ArrayList<>(List.of(keys.get(i)));
                        full.addAll(path);
                        paths.add(full);
                    }
                }
            }
            return paths;
        }

        /** The field set to {@code value}, added at the end of its object if it has none. */
        Obj set(List<String> path, Object value) {
            Obj at = at(path);
            int i = at.keys.indexOf(last(path));
            if (i < 0) {
                at.put(last(path), value);
            } else {
                at.values.set(i, value);
            }
            return this;
        }

        Obj remove(List<String> path) {
            Obj at = at(path);
            int i = at.keys.indexOf(last(path));
            at.keys.remove(i);
            at.values.remove(i);
            return this;
        }

        /** The field again at the end of its object, with {@code value} or, if null, its own. */
        Obj repeat(List<String> path, Object value) {
            Obj at = at(path);
            at.put(last(path), value != null ? value : at.values.get(at.keys.indexOf(last(path))));
            return this;
        }

        private Obj at(List<String> path) {
            Obj at = this;
            for (String key : path.subList(0, path.size() - 1)) {
                at = (Obj) at.values.get(at.keys.indexOf(key));
            }
            return at;
        }

        private static String last(List<String> path) {
            return path.get(path.size() - 1);
        }

        String json() {
            StringBuilder json = new StringBuilder("{");
            for (int i = 0; i < keys.size(); i++) {
                Object value = values.get(i);
                json.append(i == 0 ? "" : ",")
                        .append(quoted(keys.get(i)))
                        .append(':')
                        .append(value instanceof Obj obj ? obj.json() : value);
            }
            return json.append('}').toString();
        }
    }
}
