package dev.cxq.udf.model;

/**
 * The key type of the operators keyed by an id: a string written by {@link IdKeySerializer}. Given
 * to {@code keyBy} in place of the string type Flink would extract.
 */
public final class IdKeyTypeInfo extends SerializerTypeInfo<String> {

    private static final long serialVersionUID = 1L;

    public static final IdKeyTypeInfo INSTANCE = new IdKeyTypeInfo();

    private IdKeyTypeInfo() {
        super(String.class, IdKeySerializer.COMPACT);
    }

    @Override
    public boolean isKeyType() {
        return true;
    }

    @Override
    public String toString() {
        return "IdKey";
    }
}
