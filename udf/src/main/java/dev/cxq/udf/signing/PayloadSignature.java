package dev.cxq.udf.signing;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Locale;

/**
 * HMAC-SHA256 signatures of payloads, as webhook platforms sign them: the signature is the
 * lowercase or uppercase hex HMAC of the exact payload bytes, optionally prefixed {@code sha256=}.
 * The secret is held only here and never printed ({@link #toString} hides it).
 */
public final class PayloadSignature {

    /** The reason code of a record whose signature is missing or does not match. */
    public static final String BAD_SIGNATURE = "bad_signature";

    private static final String ALGORITHM = "HmacSHA256";

    private final SecretKeySpec key;

    public PayloadSignature(byte[] secret) {
        if (secret.length == 0) {
            throw new IllegalArgumentException("the signing secret is empty");
        }
        this.key = new SecretKeySpec(secret.clone(), ALGORITHM);
    }

    /** The hex signature of {@code payload}, as a producer computes it. */
    public String sign(byte[] payload) {
        return HexFormat.of().formatHex(mac(payload));
    }

    /**
     * Whether {@code signature} (hex, optionally {@code sha256=}-prefixed; {@code null} when the
     * header is missing) is the HMAC of {@code payload}. Compared in constant time.
     */
    public boolean matches(byte[] payload, String signature) {
        if (signature == null) {
            return false;
        }
        String hex = signature.trim().toLowerCase(Locale.ROOT);
        if (hex.startsWith("sha256=")) {
            hex = hex.substring("sha256=".length());
        }
        byte[] given;
        try {
            given = HexFormat.of().parseHex(hex);
        } catch (IllegalArgumentException notHex) {
            return false;
        }
        return MessageDigest.isEqual(mac(payload), given);
    }

    private byte[] mac(byte[] payload) {
        try {
            Mac mac = Mac.getInstance(ALGORITHM);
            mac.init(key);
            return mac.doFinal(payload);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is required of every JVM", e);
        }
    }

    @Override
    public String toString() {
        return "PayloadSignature{HmacSHA256, secret hidden}";
    }
}
