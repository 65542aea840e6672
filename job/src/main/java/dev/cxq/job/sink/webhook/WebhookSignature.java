package dev.cxq.job.sink.webhook;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Base64;

/**
 * Webhook signatures of the Standard Webhooks scheme (standardwebhooks.com): {@code
 * webhook-signature: v1,<base64 HMAC-SHA256 of "{webhook-id}.{webhook-timestamp}.{body}">}. The
 * signature covers the message id and the call's timestamp as well as the body, so a receiver that
 * checks the timestamp's age and remembers the ids it has seen refuses a replayed call.
 */
public final class WebhookSignature {

    public static final String ID_HEADER = "webhook-id";
    public static final String TIMESTAMP_HEADER = "webhook-timestamp";
    public static final String SIGNATURE_HEADER = "webhook-signature";

    /** The prefix of a Standard Webhooks secret; what follows is the key, base64. */
    public static final String SECRET_PREFIX = "whsec_";

    /** The key sizes the scheme allows. */
    static final int MIN_KEY_BYTES = 24;

    static final int MAX_KEY_BYTES = 64;

    private WebhookSignature() {}

    /**
     * The HMAC key of a secret written {@code whsec_<base64>} (the prefix may be left out).
     *
     * @throws IllegalArgumentException (without the secret) when it is not base64 of 24 to 64 bytes
     */
    public static byte[] key(String secret) {
        String base64 =
                secret.startsWith(SECRET_PREFIX)
                        ? secret.substring(SECRET_PREFIX.length())
                        : secret;
        byte[] key;
        try {
            key = Base64.getDecoder().decode(base64);
        } catch (IllegalArgumentException e) {
            key = new byte[0];
        }
        if (key.length < MIN_KEY_BYTES || key.length > MAX_KEY_BYTES) {
            throw new IllegalArgumentException(
                    "is not a Standard Webhooks secret: whsec_ and the base64 of "
                            + MIN_KEY_BYTES
                            + " to "
                            + MAX_KEY_BYTES
                            + " random bytes (e.g. whsec_$(openssl rand -base64 32))");
        }
        return key;
    }

    /** The {@code webhook-signature} value of one call. */
    public static String sign(byte[] key, String messageId, long timestampSeconds, String body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            byte[] signed =
                    mac.doFinal(
                            (messageId + "." + timestampSeconds + "." + body)
                                    .getBytes(StandardCharsets.UTF_8));
            return "v1," + Base64.getEncoder().encodeToString(signed);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is required of every JVM", e);
        }
    }
}
