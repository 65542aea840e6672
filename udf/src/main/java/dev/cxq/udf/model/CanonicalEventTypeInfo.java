package dev.cxq.udf.model;

import org.apache.flink.api.common.serialization.SerializerConfig;
import org.apache.flink.api.common.typeinfo.TypeInfoFactory;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.TypeSerializer;

import java.lang.reflect.Type;
import java.util.Map;

/**
 * Flink's type information for {@link CanonicalEvent}: found through the class's {@code @TypeInfo}
 * annotation wherever Flink extracts the type (streams, {@code TypeInformation.of}, state
 * descriptors), so every use gets {@link CanonicalEventSerializer}.
 */
public final class CanonicalEventTypeInfo extends TypeInformation<CanonicalEvent> {

    private static final long serialVersionUID = 1L;

    public static final CanonicalEventTypeInfo INSTANCE = new CanonicalEventTypeInfo();

    @Override
    public boolean isBasicType() {
        return false;
    }

    @Override
    public boolean isTupleType() {
        return false;
    }

    @Override
    public int getArity() {
        return 1;
    }

    @Override
    public int getTotalFields() {
        return 1;
    }

    @Override
    public Class<CanonicalEvent> getTypeClass() {
        return CanonicalEvent.class;
    }

    @Override
    public boolean isKeyType() {
        return false;
    }

    @Override
    public TypeSerializer<CanonicalEvent> createSerializer(SerializerConfig config) {
        return CanonicalEventSerializer.INSTANCE;
    }

    @Override
    public String toString() {
        return "CanonicalEvent";
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof CanonicalEventTypeInfo;
    }

    @Override
    public int hashCode() {
        return CanonicalEventTypeInfo.class.hashCode();
    }

    @Override
    public boolean canEqual(Object o) {
        return o instanceof CanonicalEventTypeInfo;
    }

    /** What the {@code @TypeInfo} annotation of {@link CanonicalEvent} names. */
    public static final class Factory extends TypeInfoFactory<CanonicalEvent> {
        @Override
        public TypeInformation<CanonicalEvent> createTypeInfo(
                Type type, Map<String, TypeInformation<?>> genericParameters) {
            return INSTANCE;
        }
    }
}
