package dev.cxq.udf.session;

import dev.cxq.udf.model.MediaType;

import org.apache.flink.api.common.typeutils.SerializerTestBase;
import org.apache.flink.api.common.typeutils.TypeSerializer;

import static dev.cxq.udf.testing.Events.at;

/** Flink's serializer contract on tombstones: empty, a regular grid, jittered, both media. */
class EndedSamplesSerializerTest extends SerializerTestBase<EndedSamples> {

    EndedSamplesSerializerTest() {
        super(SessionStateSerializerTest.fieldByField(EndedSamples.class));
    }

    @Override
    protected TypeSerializer<EndedSamples> createSerializer() {
        return EndedSamplesSerializer.INSTANCE;
    }

    @Override
    protected int getLength() {
        return -1;
    }

    @Override
    protected Class<EndedSamples> getTypeClass() {
        return EndedSamples.class;
    }

    @Override
    protected EndedSamples[] getTestData() {
        EndedSamples grid = new EndedSamples();
        grid.forgetAt = 172_800_000L;
        EndedSamples jittered = new EndedSamples();
        jittered.forgetAt = Long.MAX_VALUE;
        for (int i = 0; i < 100; i++) {
            grid.slots.add(MediaType.AUDIO, at(5L * i));
            jittered.slots.add(MediaType.AUDIO, at(5L * i) + (i % 3) * 7);
            jittered.slots.add(MediaType.VIDEO, at(5L * i) + 1);
        }
        return new EndedSamples[] {new EndedSamples(), grid, jittered};
    }
}
