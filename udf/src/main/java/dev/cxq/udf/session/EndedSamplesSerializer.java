package dev.cxq.udf.session;

import dev.cxq.udf.model.NonReusingSerializer;

import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

import java.io.IOException;

/**
 * Serializer of the tombstone {@code ended-session-samples}: {@code forgetAt}, then the slots
 * ({@link SessionStateFormat}). State that the POJO serializer wrote is migrated: see {@link
 * SessionValueSnapshot}.
 */
public final class EndedSamplesSerializer extends NonReusingSerializer<EndedSamples> {

    private static final long serialVersionUID = 1L;

    public static final EndedSamplesSerializer INSTANCE = new EndedSamplesSerializer();

    @Override
    public EndedSamples createInstance() {
        return new EndedSamples();
    }

    /** A deep copy, through the serialized form. */
    @Override
    public EndedSamples copy(EndedSamples from) {
        return SessionStateFormat.copy(this, from);
    }

    @Override
    public void serialize(EndedSamples e, DataOutputView out) throws IOException {
        out.writeLong(e.forgetAt);
        // Restored from the POJO layout: the slots may be in the per-sample form.
        SessionStateFormat.writeSlots(
                e instanceof SessionQualityFunction$EndedSamples ? e.slots.compacted() : e.slots,
                out);
    }

    @Override
    public EndedSamples deserialize(DataInputView in) throws IOException {
        EndedSamples e = new EndedSamples();
        e.forgetAt = in.readLong();
        e.slots = SessionStateFormat.readSlots(in);
        return e;
    }

    @Override
    public TypeSerializerSnapshot<EndedSamples> snapshotConfiguration() {
        return new Snapshot();
    }

    /** Restores this serializer; migrates the POJO serializer's state. */
    public static final class Snapshot extends SessionValueSnapshot<EndedSamples> {
        public Snapshot() {
            super(1, 1, format -> INSTANCE, EndedSamples.class);
        }
    }
}
