package dev.cxq.udf.model;

import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.SerializerTestBase;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;

import org.junit.jupiter.api.Test;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.Arrays;
import java.util.List;

import static dev.cxq.udf.testing.Events.interaction;
import static dev.cxq.udf.testing.Events.recording;
import static dev.cxq.udf.testing.Events.sample;
import static org.assertj.core.api.Assertions.assertThat;

/** Flink's serializer contract on every kind of event, plus what keeps its format stable. */
class CanonicalEventSerializerTest extends SerializerTestBase<CanonicalEvent> {

    @Override
    protected TypeSerializer<CanonicalEvent> createSerializer() {
        return CanonicalEventSerializer.INSTANCE;
    }

    @Override
    protected int getLength() {
        return -1;
    }

    @Override
    protected Class<CanonicalEvent> getTypeClass() {
        return CanonicalEvent.class;
    }

    @Override
    protected CanonicalEvent[] getTestData() {
        CanonicalEvent empty = new CanonicalEvent();
        empty.platform = null;
        CanonicalEvent video = sample("s2", 10, 2.1);
        video.media = MediaType.VIDEO;
        video.bitrateKbps = 15.0;
        video.peerState = PeerState.DISCONNECTED;
        video.platform = Platform.NICE;
        return new CanonicalEvent[] {
            sample("s1", 5, 4.2),
            video,
            interaction("s1", 0, InteractionState.CONNECTED),
            recording("s1", 40, RecordingStatus.FAILED),
            everyField(),
            empty
        };
    }

    @Test
    void typeExtractionFindsThisSerializer() {
        assertThat(TypeInformation.of(CanonicalEvent.class))
                .isEqualTo(CanonicalEventTypeInfo.INSTANCE);
        assertThat(CanonicalEventTypeInfo.INSTANCE.createSerializer(new SerializerConfigImpl()))
                .isSameAs(CanonicalEventSerializer.INSTANCE);
    }

    /** Fails when a field is added to the event and not to the serializer. */
    @Test
    void everyFieldSurvivesARoundTripOnItsOwn() throws Exception {
        for (Field field : instanceFields()) {
            CanonicalEvent event = new CanonicalEvent();
            event.platform = null;
            field.set(event, valueFor(field));

            CanonicalEvent back = roundTrip(event);

            assertThat(field.get(back)).as(field.getName()).isEqualTo(field.get(event));
        }
    }

    /** Enums are written as ordinals: their constants may be appended to, never reordered. */
    @Test
    void enumConstantsKeepTheirOrder() {
        assertThat(names(EventKind.values()))
                .containsExactly("MEDIA_SAMPLE", "INTERACTION", "RECORDING");
        assertThat(names(Platform.values())).containsExactly("CANONICAL", "GENESYS", "NICE");
        assertThat(names(MediaType.values())).containsExactly("AUDIO", "VIDEO");
        assertThat(names(InteractionState.values()))
                .containsExactly(
                        "QUEUED",
                        "IVR",
                        "CONNECTED",
                        "HOLD",
                        "UNHOLD",
                        "TRANSFERRED",
                        "WRAPUP",
                        "COMPLETED",
                        "ABANDONED",
                        "MISSED");
        assertThat(names(PeerState.values()))
                .containsExactly("CONNECTED", "DISCONNECTED", "FAILED");
        assertThat(names(Channel.values())).containsExactly("VOICE", "VIDEO", "CHAT");
        assertThat(names(RecordingMedia.values())).containsExactly("SCREEN", "AUDIO");
        assertThat(names(RecordingStatus.values()))
                .containsExactly("STARTED", "PENDING", "UPLOADED", "FAILED");
    }

    private static List<String> names(Enum<?>[] constants) {
        return Arrays.stream(constants).map(Enum::name).toList();
    }

    private static CanonicalEvent everyField() {
        CanonicalEvent event = new CanonicalEvent();
        for (Field field : instanceFields()) {
            try {
                field.set(event, valueFor(field));
            } catch (IllegalAccessException e) {
                throw new AssertionError(e);
            }
        }
        return event;
    }

    private static List<Field> instanceFields() {
        return Arrays.stream(CanonicalEvent.class.getDeclaredFields())
                .filter(f -> !Modifier.isStatic(f.getModifiers()))
                .toList();
    }

    private static Object valueFor(Field field) {
        Class<?> type = field.getType();
        if (type == String.class) {
            return field.getName() + "-é✓";
        }
        if (type == long.class || type == Long.class) {
            return 1_700_000_000_123L;
        }
        if (type == Double.class) {
            return -0.25;
        }
        if (type == Boolean.class) {
            return Boolean.FALSE;
        }
        if (type == boolean.class) {
            return true;
        }
        if (type.isEnum()) {
            Object[] constants = type.getEnumConstants();
            return constants[constants.length - 1];
        }
        throw new AssertionError("no test value for " + field + ": add one");
    }

    private static CanonicalEvent roundTrip(CanonicalEvent event) throws Exception {
        DataOutputSerializer out = new DataOutputSerializer(64);
        CanonicalEventSerializer.INSTANCE.serialize(event, out);
        return CanonicalEventSerializer.INSTANCE.deserialize(
                new DataInputDeserializer(out.getCopyOfBuffer()));
    }
}
