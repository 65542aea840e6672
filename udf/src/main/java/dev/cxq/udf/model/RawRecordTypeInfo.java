package dev.cxq.udf.model;

import org.apache.flink.api.common.typeinfo.TypeInfoFactory;
import org.apache.flink.api.common.typeinfo.TypeInformation;

import java.lang.reflect.Type;
import java.util.Map;

/** Flink's type information for {@link RawRecord}: {@link RawRecordSerializer}. */
public final class RawRecordTypeInfo extends SerializerTypeInfo<RawRecord> {

    private static final long serialVersionUID = 1L;

    public static final RawRecordTypeInfo INSTANCE = new RawRecordTypeInfo();

    private RawRecordTypeInfo() {
        super(RawRecord.class, RawRecordSerializer.INSTANCE);
    }

    /** What the {@code @TypeInfo} annotation of {@link RawRecord} names. */
    public static final class Factory extends TypeInfoFactory<RawRecord> {
        @Override
        public TypeInformation<RawRecord> createTypeInfo(
                Type type, Map<String, TypeInformation<?>> genericParameters) {
            return INSTANCE;
        }
    }
}
