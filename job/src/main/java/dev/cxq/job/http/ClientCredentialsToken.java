package dev.cxq.job.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.function.LongSupplier;

/**
 * An OAuth 2 client-credentials access token: the token request, the reading of its answer, and
 * when to replace it (at 80% of its lifetime, or at once after a 401). The caller sends the request
 * with its own budget and retries. Not thread-safe: one per caller.
 */
public final class ClientCredentialsToken {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** Share of a token's lifetime after which it is replaced. */
    private static final double REFRESH_AT = 0.8;

    private final URI tokenUrl;
    private final String clientId;
    private final String clientSecret;
    private final LongSupplier clock;

    private String accessToken;
    private long refreshAtMillis;

    public ClientCredentialsToken(
            URI tokenUrl, String clientId, String clientSecret, LongSupplier clock) {
        this.tokenUrl = tokenUrl;
        this.clientId = clientId;
        this.clientSecret = clientSecret;
        this.clock = clock;
    }

    /** The token while it is fresh, else null: then send {@link #request} and {@link #accept}. */
    public String current() {
        return accessToken != null && clock.getAsLong() < refreshAtMillis ? accessToken : null;
    }

    /** Forgets the token, after the API refused it (revoked or expired early). */
    public void invalidate() {
        accessToken = null;
    }

    /** The token request: client id and secret in Basic authentication, as RFC 6749 prefers. */
    public HttpRequest request(Duration timeout) {
        String credentials =
                Base64.getEncoder()
                        .encodeToString(
                                (clientId + ":" + clientSecret).getBytes(StandardCharsets.UTF_8));
        String form =
                "grant_type=client_credentials&client_id="
                        + URLEncoder.encode(clientId, StandardCharsets.UTF_8);
        return HttpRequest.newBuilder(tokenUrl)
                .timeout(timeout)
                .header("Authorization", "Basic " + credentials)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("Accept", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(form))
                .build();
    }

    /**
     * Takes the token from a 200 answer to {@link #request}; its lifetime counts from {@code
     * requestedAtMillis}, so a slow answer only brings the refresh forward.
     *
     * @throws IllegalStateException when the answer holds no access token
     */
    public String accept(String body, long requestedAtMillis) {
        JsonNode json;
        try {
            json = JSON.readTree(body);
        } catch (IOException e) {
            throw new IllegalStateException("the token endpoint " + tokenUrl + " answered no JSON");
        }
        JsonNode token = json.path("access_token");
        if (!token.isTextual() || token.textValue().isEmpty()) {
            throw new IllegalStateException(
                    "the token endpoint " + tokenUrl + " answered without an access_token");
        }
        long lifetimeMs = json.path("expires_in").asLong(3600) * 1000;
        accessToken = token.textValue();
        refreshAtMillis = requestedAtMillis + (long) (lifetimeMs * REFRESH_AT);
        return accessToken;
    }

    public URI tokenUrl() {
        return tokenUrl;
    }
}
