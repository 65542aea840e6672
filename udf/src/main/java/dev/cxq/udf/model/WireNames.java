package dev.cxq.udf.model;

import java.util.Collections;
import java.util.HashMap;
import java.util.Map;

/**
 * Each {@link WireEnum}'s constants by wire name, built once per type: the parser looks up several
 * enum fields per record, and lowercasing every constant's name on each lookup showed in profiles.
 */
final class WireNames {

    private static final ClassValue<Map<String, Object>> BY_TYPE =
            new ClassValue<>() {
                @Override
                protected Map<String, Object> computeValue(Class<?> type) {
                    Map<String, Object> byWireName = new HashMap<>();
                    for (Object constant : type.getEnumConstants()) {
                        byWireName.put(((WireEnum) constant).wireName(), constant);
                    }
                    return Collections.unmodifiableMap(byWireName);
                }
            };

    private WireNames() {}

    static Map<String, Object> of(Class<? extends WireEnum> type) {
        return BY_TYPE.get(type);
    }
}
