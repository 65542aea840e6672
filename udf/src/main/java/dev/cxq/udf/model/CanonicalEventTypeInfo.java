package dev.cxq.udf.model;

import org.apache.flink.api.common.typeinfo.TypeInfoFactory;
import org.apache.flink.api.common.typeinfo.TypeInformation;

import java.lang.reflect.Type;
import java.util.Map;

/** Flink's type information for {@link CanonicalEvent}: {@link CanonicalEventSerializer}. */
public final class CanonicalEventTypeInfo extends SerializerTypeInfo<CanonicalEvent> {

    private static final long serialVersionUID = 1L;

    public static final CanonicalEventTypeInfo INSTANCE = new CanonicalEventTypeInfo();

    private CanonicalEventTypeInfo() {
        super(CanonicalEvent.class, CanonicalEventSerializer.INSTANCE);
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
