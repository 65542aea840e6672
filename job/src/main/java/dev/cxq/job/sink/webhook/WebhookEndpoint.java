package dev.cxq.job.sink.webhook;

import dev.cxq.job.secret.Redaction;
import dev.cxq.job.secret.SecretRef;
import dev.cxq.udf.internal.Hashing;

import java.io.Serializable;
import java.net.URI;

/**
 * A webhook destination and where its own secrets are. Serialized with the job: it holds the URL
 * only when the URL is no secret ({@code urlRef} null), and only the locations of the token and the
 * signing secret, which the sink writer reads when it opens on the task manager.
 *
 * @param id the endpoint's name in operator names, metrics, logs and {@code
 *     webhook_deliveries.endpoint}: the user's name, else {@link #urlHash}
 * @param urlHash the first 12 hex digits of the URL's SHA-256: the sink's uid (savepoints)
 * @param shownUrl the URL without its path and query ({@link Redaction#url})
 * @param url the URL, or {@code null} when it is read from {@code urlRef}
 * @param urlRef where the URL is (a URL whose path is a credential), or {@code null}
 * @param token where the bearer token is, or {@code null} for none
 * @param signingSecret where the Standard Webhooks signing secret is, or {@code null} for unsigned
 * @param allowInsecureHttp whether the token may be sent over plain {@code http://}
 */
public record WebhookEndpoint(
        String id,
        String urlHash,
        String shownUrl,
        URI url,
        SecretRef urlRef,
        SecretRef token,
        SecretRef signingSecret,
        boolean allowInsecureHttp)
        implements Serializable {

    public static final String IDEMPOTENCY_HEADER = "X-Idempotency-Key";

    /**
     * An endpoint of the resolved URL {@code url}; it keeps {@code url} itself only when {@code
     * urlRef} is null.
     *
     * @param name the user's name, or {@code null} for the URL's hash
     * @throws IllegalArgumentException when a token would go over plain http without permission
     */
    public static WebhookEndpoint of(
            String name,
            URI url,
            SecretRef urlRef,
            SecretRef token,
            SecretRef signingSecret,
            boolean allowInsecureHttp) {
        String hash = urlHash(url);
        WebhookEndpoint endpoint =
                new WebhookEndpoint(
                        name != null ? name : hash,
                        hash,
                        Redaction.url(url),
                        urlRef == null ? url : null,
                        urlRef,
                        token,
                        signingSecret,
                        allowInsecureHttp);
        endpoint.checkTransport(url);
        return endpoint;
    }

    /** An endpoint without secrets. */
    public static WebhookEndpoint of(URI url) {
        return of(null, url, null, null, null, false);
    }

    /** The first 12 hex digits of the URL's SHA-256 (the sink uid's suffix since the start). */
    static String urlHash(URI url) {
        return Hashing.sha256Hex(url.toString()).substring(0, 12);
    }

    /** The URL, read from its location on the task manager when it is a secret. */
    URI resolveUrl() {
        return url != null ? url : URI.create(urlRef.read());
    }

    /**
     * @throws IllegalArgumentException when the token would be sent over plain http and that is not
     *     explicitly allowed
     */
    void checkTransport(URI resolvedUrl) {
        if (token != null && "http".equals(resolvedUrl.getScheme()) && !allowInsecureHttp) {
            throw new IllegalArgumentException(
                    "webhook endpoint "
                            + this
                            + ": a bearer token is not sent over plain http; use https, or"
                            + " allow-insecure-http for a trusted network");
        }
    }

    /** The id and where it points, never a secret. */
    @Override
    public String toString() {
        return id + " (" + shownUrl + ")";
    }
}
