package dev.cxq.udf.model;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class WireEnumTest {

    private static <E extends Enum<E> & WireEnum> void assertRoundTrips(Class<E> type) {
        for (E constant : type.getEnumConstants()) {
            String wire = constant.wireName();
            assertThat(WireEnum.fromWire(type, wire)).isSameAs(constant);
            // Wire names are exact: the contract lists them in lowercase only.
            assertThat(WireEnum.fromWire(type, constant.name())).isNull();
            assertThat(WireEnum.fromWire(type, wire + " ")).isNull();
        }
        assertThat(WireEnum.fromWire(type, "")).isNull();
        assertThat(WireEnum.fromWire(type, null)).isNull();
    }

    @Test
    void everyConstantIsFoundByItsExactWireNameOnly() {
        assertRoundTrips(Channel.class);
        assertRoundTrips(EventKind.class);
        assertRoundTrips(InteractionState.class);
        assertRoundTrips(MediaType.class);
        assertRoundTrips(PeerState.class);
        assertRoundTrips(Platform.class);
        assertRoundTrips(RecordingMedia.class);
        assertRoundTrips(RecordingStatus.class);
    }

    @Test
    void typesSharingAWireNameKeepTheirOwnConstants() {
        // media_sample's "audio" and the recording's "audio" are different enums.
        assertThat(WireEnum.fromWire(MediaType.class, "audio")).isSameAs(MediaType.AUDIO);
        assertThat(WireEnum.fromWire(RecordingMedia.class, "audio")).isSameAs(RecordingMedia.AUDIO);
    }
}
