package dev.cxq.udf.session;

import dev.cxq.udf.model.CanonicalEvent;
import dev.cxq.udf.model.InteractionState;
import dev.cxq.udf.model.MediaType;
import dev.cxq.udf.model.PeerState;
import dev.cxq.udf.model.RecordingStatus;
import dev.cxq.udf.quality.MediaQualityDetector;
import dev.cxq.udf.quality.OpenAlert;
import dev.cxq.udf.quality.SampleMetrics;

import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.SerializerTestBase;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.common.typeutils.TypeSerializerSchemaCompatibility;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.api.java.typeutils.runtime.PojoSerializer;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.apache.flink.testutils.DeeplyEqualsChecker;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.Locale;
import java.util.UUID;

import static dev.cxq.udf.testing.Events.at;
import static dev.cxq.udf.testing.Events.interaction;
import static dev.cxq.udf.testing.Events.recording;
import static dev.cxq.udf.testing.Events.sample;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Flink's serializer contract on session values from empty to every field set, and what decides
 * which savepoints restore: its own snapshot as is, the POJO serializer's after migration (the
 * restore itself: {@code SessionStateMigrationTest}), anything else not.
 */
class SessionStateSerializerTest extends SerializerTestBase<SessionState> {

    SessionStateSerializerTest() {
        super(fieldByField(SessionState.class));
    }

    /**
     * The session values have no equals: compared field by field, down to the slot records' bytes,
     * doubles bit for bit ({@link Double#equals}: NaN is NaN, -0.0 is not 0.0).
     */
    static DeeplyEqualsChecker fieldByField(Class<?> type) {
        return new DeeplyEqualsChecker()
                .withCustomCheck(
                        (a, b) -> type.isInstance(a) && type.isInstance(b),
                        (a, b, checker) -> {
                            try {
                                assertSame(a, b);
                                return true;
                            } catch (AssertionError different) {
                                return false;
                            }
                        });
    }

    static void assertSame(Object actual, Object expected) {
        assertThat(actual)
                .usingRecursiveComparison()
                .withEqualsForType(Double::equals, Double.class)
                .isEqualTo(expected);
    }

    @Override
    protected TypeSerializer<SessionState> createSerializer() {
        return SessionStateSerializer.INSTANCE;
    }

    @Override
    protected int getLength() {
        return -1;
    }

    @Override
    protected Class<SessionState> getTypeClass() {
        return SessionState.class;
    }

    /**
     * Values as the operator writes them, but for the session id of the events, which the value
     * leaves to the key ({@link #heldEventsLeaveTheirSessionIdToTheKey}).
     */
    @Override
    protected SessionState[] getTestData() {
        SessionState buffered = new SessionState();
        buffered.buffered.add(sample("s1", 5, 4.2));
        buffered.buffered.add(interaction("s1", 0, InteractionState.CONNECTED));
        buffered.buffered.add(recording("s1", 3, RecordingStatus.STARTED));
        CanonicalEvent late = benchSample(8);
        late.lateOnArrival = true;
        late.eventId = late.eventId.toUpperCase(Locale.ROOT);
        late.mos = 4.125;
        late.jitterMs = -0.0;
        late.rttMs = Double.NaN;
        late.packetLossPct = -1.25;
        late.bitrateKbps = 1e300;
        buffered.buffered.add(late);
        buffered.buffered.add(benchSample(10));
        buffered.buffered.add(benchSample(15));
        buffered.buffered.forEach(event -> event.sessionId = null);
        buffered.timer = at(0);
        SessionState ended = new SessionState();
        ended.endedAt = at(60);
        ended.deadline = at(1860);
        ended.timer = at(1860);
        SessionState open = new SessionState();
        open.stats = everyField();
        open.deadline = at(90);
        open.timer = at(90);
        open.buffered.add(sample("s1", 95, 2.0));
        open.buffered.get(0).sessionId = null;
        SessionState fresh = new SessionState();
        fresh.stats = new SessionStats();
        return new SessionState[] {new SessionState(), buffered, ended, open, fresh};
    }

    /** Values of a session with every nullable field set, for the round trips. */
    static SessionStats everyField() {
        SessionStats stats = new SessionStats();
        stats.samples = 12;
        stats.mosSum = 40.5;
        stats.mosCount = 11;
        stats.minMos = 2.0;
        stats.maxPacketLossPct = 7.5;
        stats.agentId = "agent-1";
        stats.queueId = "queue-é";
        stats.lastEventTs = at(85);
        MediaQualityDetector d = stats.media;
        d.phase = MediaQualityDetector.Phase.RECOVERING;
        d.incidentStart = at(60);
        d.healthySince = at(80);
        d.windowBreaches = 5;
        d.windowHasMos = true;
        d.windowAllMosCritical = true;
        d.windowLastDegraded = metrics(2.0);
        d.degradation = alert("degradation");
        d.mediaGap = alert("media_gap");
        d.mediaGap.metrics = null;
        d.disconnect = new OpenAlert();
        d.lastDegradationKey = "k1";
        d.lastMediaGapKey = "k2";
        d.lastDisconnectKey = "k3";
        d.incidents = 2;
        d.degradedMillis = 30_000;
        d.lastSampleTs = at(85);
        d.lastSampleDegraded = true;
        d.lastSample = new SampleMetrics();
        d.silentSince = at(85);
        d.mediaPaused = true;
        for (int i = 1; i <= 12; i++) {
            stats.slots.add(MediaType.AUDIO, at(5L * i));
        }
        stats.slots.add(MediaType.VIDEO, at(7));
        return stats;
    }

    private static SampleMetrics metrics(double mos) {
        SampleMetrics m = new SampleMetrics();
        m.mos = mos;
        m.mosEstimated = true;
        m.jitterMs = 30.0;
        m.packetLossPct = 5.0;
        m.rttMs = 300.0;
        m.bitrateKbps = 64.0;
        return m;
    }

    private static OpenAlert alert(String type) {
        OpenAlert a = new OpenAlert();
        a.incidentKey = "key-" + type;
        a.alertType = type;
        a.severity = "high";
        a.startedAt = at(60);
        a.firedAt = at(90);
        a.agentId = "agent-1";
        a.queueId = "queue-1";
        a.metrics = metrics(2.1);
        a.reason = "mos below 3.1";
        a.reported = true;
        return a;
    }

    @Test
    void phasesKeepTheirOrdinals() {
        // Written as their ordinal: constants may only be appended.
        assertThat(MediaQualityDetector.Phase.values())
                .containsExactly(
                        MediaQualityDetector.Phase.HEALTHY,
                        MediaQualityDetector.Phase.PENDING,
                        MediaQualityDetector.Phase.FIRING,
                        MediaQualityDetector.Phase.RECOVERING);
    }

    @Test
    void ownSnapshotIsCompatibleAsIs() {
        assertThat(
                        new SessionStateSerializer.Snapshot()
                                .resolveSchemaCompatibility(new SessionStateSerializer.Snapshot())
                                .isCompatibleAsIs())
                .isTrue();
    }

    /** Savepoints of the builds before: the POJO serializer of the class as they named it. */
    @Test
    void thePojoSerializersStateIsMigrated() {
        assertThat(
                        new SessionStateSerializer.Snapshot()
                                .resolveSchemaCompatibility(
                                        pojoSnapshot(SessionQualityFunction$SessionState.class))
                                .isCompatibleAfterMigration())
                .isTrue();
        assertThat(
                        new EndedSamplesSerializer.Snapshot()
                                .resolveSchemaCompatibility(
                                        pojoSnapshot(SessionQualityFunction$EndedSamples.class))
                                .isCompatibleAfterMigration())
                .isTrue();
    }

    @Test
    void otherStateIsIncompatible() {
        TypeSerializerSchemaCompatibility<SessionState> tombstone =
                new SessionStateSerializer.Snapshot()
                        .resolveSchemaCompatibility(
                                pojoSnapshot(SessionQualityFunction$EndedSamples.class));
        assertThat(tombstone.isIncompatible()).isTrue();
    }

    @Test
    void anUnknownFormatVersionIsRefused() {
        for (int version : new int[] {0, SessionStateSerializer.FORMAT + 1}) {
            assertThatThrownBy(() -> snapshotOfVersion(version)).isInstanceOf(IOException.class);
        }
    }

    /**
     * Format 1 (every held event whole): its snapshot restores the serializer that reads it, and
     * its state is migrated to this format. The restore itself: {@code SessionStateMigrationTest}.
     */
    @Test
    void formatOneIsReadAndMigrated() throws IOException {
        TypeSerializerSnapshot<SessionState> formatOne = snapshotOfVersion(1);
        assertThat(
                        new SessionStateSerializer.Snapshot()
                                .resolveSchemaCompatibility(formatOne)
                                .isCompatibleAfterMigration())
                .isTrue();
        SessionState state = getTestData()[1];
        state.buffered.forEach(event -> event.sessionId = "s1");
        DataOutputSerializer out = new DataOutputSerializer(256);
        SessionStateSerializer.FORMAT_1.serialize(state, out);
        SessionState read =
                formatOne
                        .restoreSerializer()
                        .deserialize(new DataInputDeserializer(out.getCopyOfBuffer()));
        assertSame(read, state);
    }

    @Test
    void heldEventsLeaveTheirSessionIdToTheKey() throws IOException {
        SessionState state = new SessionState();
        state.buffered.add(benchSample(5));
        SessionState read = roundTrip(SessionStateSerializer.INSTANCE, state);
        assertThat(read.buffered.get(0).sessionId).isNull();
        read.buffered.get(0).sessionId = state.buffered.get(0).sessionId;
        assertSame(read, state);
    }

    /**
     * Two held samples as the state benchmark sends them (UUID id, metrics with two decimals), what
     * a checkpoint writes for about every open session: 242 bytes in format 1, 109 in this one.
     */
    @Test
    void heldSamplesTakeUnderHalfOfFormatOne() throws IOException {
        SessionState state = new SessionState();
        state.buffered.add(benchSample(5));
        state.buffered.add(benchSample(10));
        int formatOne = sizeOf(SessionStateSerializer.FORMAT_1, state);
        int compact = sizeOf(SessionStateSerializer.INSTANCE, state);
        assertThat(formatOne).isEqualTo(242);
        assertThat(compact).isEqualTo(109);
    }

    /** A media sample as {@code SampleStream} makes it, parsed. */
    private static CanonicalEvent benchSample(long secondsAfterT0) {
        CanonicalEvent e = sample("s12345-7", secondsAfterT0, 4.27);
        e.eventId = UUID.nameUUIDFromBytes(new byte[] {(byte) secondsAfterT0}).toString();
        e.source = "gen:1234567";
        e.agentId = "a-345";
        e.jitterMs = 12.34;
        e.rttMs = 87.65;
        e.packetLossPct = 0.57;
        e.bitrateKbps = 35.12;
        e.peerState = PeerState.CONNECTED;
        return e;
    }

    private static int sizeOf(TypeSerializer<SessionState> serializer, SessionState state)
            throws IOException {
        DataOutputSerializer out = new DataOutputSerializer(256);
        serializer.serialize(state, out);
        return out.length();
    }

    private static SessionState roundTrip(
            TypeSerializer<SessionState> serializer, SessionState state) throws IOException {
        DataOutputSerializer out = new DataOutputSerializer(256);
        serializer.serialize(state, out);
        return serializer.deserialize(new DataInputDeserializer(out.getCopyOfBuffer()));
    }

    /** A snapshot as a restore reads it when it says {@code version}. */
    private static TypeSerializerSnapshot<SessionState> snapshotOfVersion(int version)
            throws IOException {
        SessionStateSerializer.Snapshot snapshot = new SessionStateSerializer.Snapshot();
        snapshot.readSnapshot(
                version,
                new DataInputDeserializer(new byte[0]),
                SessionStateSerializerTest.class.getClassLoader());
        return snapshot;
    }

    @SuppressWarnings("unchecked")
    private static <T> TypeSerializerSnapshot<T> pojoSnapshot(Class<?> type) {
        TypeSerializer<?> pojo =
                TypeInformation.of(type).createSerializer(new SerializerConfigImpl());
        assertThat(pojo).isInstanceOf(PojoSerializer.class);
        return (TypeSerializerSnapshot<T>) pojo.snapshotConfiguration();
    }
}
