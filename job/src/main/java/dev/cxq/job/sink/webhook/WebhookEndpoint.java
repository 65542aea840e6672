package dev.cxq.job.sink.webhook;

import java.io.Serializable;
import java.net.URI;

/**
 * A webhook destination and the secrets used to call it.
 *
 * @param url where to POST
 * @param bearerToken sent as {@code Authorization: Bearer}, or null
 * @param signingSecret key of the HMAC-SHA256 body signature header, or null for none
 */
public record WebhookEndpoint(URI url, String bearerToken, String signingSecret)
        implements Serializable {

    /** Header carrying {@code sha256=<hex HMAC-SHA256 of the body>}. */
    public static final String SIGNATURE_HEADER = "X-Cxq-Signature";

    public static final String IDEMPOTENCY_HEADER = "X-Idempotency-Key";

    @Override
    public String toString() {
        // Never print the secrets.
        return url.toString();
    }
}
