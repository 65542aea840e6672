package dev.cxq.bench;

import dev.cxq.udf.model.CanonicalEvent;
import dev.cxq.udf.model.CanonicalEventSerializer;
import dev.cxq.udf.parse.CanonicalEventParser;

import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A round trip (serialize, then deserialize) of one generated event through the serializer the job
 * uses for {@link CanonicalEvent}, and through the Flink POJO serializer it replaced: what every
 * network hop and every read and write of the reorder buffer pays per event.
 */
@State(Scope.Thread)
public class SerializerBenchmark {

    /** Which generated record: a media sample (most events) or an interaction. */
    @Param({"media_sample", "interaction"})
    public String kind;

    private CanonicalEvent event;
    private TypeSerializer<CanonicalEvent> pojo;
    private final DataOutputSerializer out = new DataOutputSerializer(256);
    private final DataInputDeserializer in = new DataInputDeserializer();

    @Setup
    public void setUp() {
        SampleStream stream = new SampleStream(1_000, BenchMain.SEED);
        for (long i = 0; event == null; i++) {
            CanonicalEvent candidate =
                    CanonicalEventParser.parse(stream.payload(i), "bench").event();
            if (candidate.kind.wireName().equals(kind)) {
                event = candidate;
            }
        }
        pojo = pojoSerializer();
    }

    @Benchmark
    public CanonicalEvent writtenOut() throws IOException {
        return roundTrip(CanonicalEventSerializer.INSTANCE);
    }

    @Benchmark
    public CanonicalEvent pojo() throws IOException {
        return roundTrip(pojo);
    }

    private CanonicalEvent roundTrip(TypeSerializer<CanonicalEvent> serializer) throws IOException {
        out.clear();
        serializer.serialize(event, out);
        in.setBuffer(out.getSharedBuffer(), 0, out.length());
        return serializer.deserialize(in);
    }

    /** Flink's POJO serializer of the class, built field by field past its {@code @TypeInfo}. */
    private static TypeSerializer<CanonicalEvent> pojoSerializer() {
        Map<String, TypeInformation<?>> fields = new LinkedHashMap<>();
        for (Field field : CanonicalEvent.class.getDeclaredFields()) {
            if (!Modifier.isStatic(field.getModifiers())) {
                fields.put(field.getName(), TypeInformation.of(field.getType()));
            }
        }
        return Types.POJO(CanonicalEvent.class, fields)
                .createSerializer(new SerializerConfigImpl());
    }
}
