package dev.cxq.udf.model;

import java.util.Locale;

/** Enums whose wire name (in JSON and in the output tables) is their lowercase constant name. */
public interface WireEnum {

    String name();

    default String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The constant whose wire name is {@code value}, or {@code null} when there is none. */
    static <E extends Enum<E> & WireEnum> E fromWire(Class<E> type, String value) {
        return type.cast(WireNames.of(type).get(value));
    }
}
