package dev.cxq.udf.model;

import java.util.UUID;

/**
 * Ids in the canonical UUID form, {@code 8-4-4-4-12} lowercase hex digits: the one form whose 16
 * bytes read back as the same string ({@code new UUID(most, least).toString()}), so that state
 * formats may write such an id in 16 bytes instead of 37 ({@link IdKeySerializer}, the held events'
 * format).
 */
public final class CanonicalUuid {

    private static final int LENGTH = 36;

    private CanonicalUuid() {}

    /**
     * {@code id} as a UUID when it is in the canonical form, else null. Checked char by char before
     * it is parsed: {@link UUID#fromString} also takes uppercase and shorter groups, which would
     * read back otherwise, and key serialization calls this on every state access.
     */
    public static UUID of(String id) {
        if (id == null || id.length() != LENGTH) {
            return null;
        }
        for (int i = 0; i < LENGTH; i++) {
            char c = id.charAt(i);
            boolean ok =
                    (i == 8 || i == 13 || i == 18 || i == 23)
                            ? c == '-'
                            : (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
            if (!ok) {
                return null;
            }
        }
        return UUID.fromString(id);
    }
}
