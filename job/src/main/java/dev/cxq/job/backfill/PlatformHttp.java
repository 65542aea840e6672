package dev.cxq.job.backfill;

import dev.cxq.job.http.Backoff;
import dev.cxq.job.http.ClientCredentialsToken;
import dev.cxq.job.http.RequestBudget;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Set;

/**
 * The calls of one reader to a platform API: each within the {@link RequestBudget}, with an OAuth 2
 * client-credentials token refreshed before it expires (and once more on a 401), retrying 429
 * (after its {@code Retry-After}), 500, 502, 503, 504 and I/O errors with exponential backoff and
 * full jitter; any other 4xx fails the backfill with a message naming the call and its interval.
 */
final class PlatformHttp {

    private static final Logger LOG = LoggerFactory.getLogger(PlatformHttp.class);
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final Set<Integer> TRANSIENT = Set.of(429, 500, 502, 503, 504);
    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    private final BackfillSettings settings;
    private final ClientCredentialsToken token;
    private final RequestBudget budget;
    private final Backoff backoff;
    private final HttpClient client;
    private final BackfillCounters counters;

    PlatformHttp(
            BackfillSettings settings,
            String clientSecret,
            RequestBudget budget,
            BackfillCounters counters) {
        this.settings = settings;
        this.token =
                new ClientCredentialsToken(
                        settings.tokenUrl(),
                        settings.clientId(),
                        clientSecret,
                        System::currentTimeMillis);
        this.budget = budget;
        this.counters = counters;
        this.backoff = new Backoff(Duration.ofMillis(200), settings.maxBackoff());
        this.client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    }

    /**
     * The JSON answer of an API call, or null for 204 No Content.
     *
     * @param what the call and its interval, for errors ({@code interval X: POST /jobs})
     */
    JsonNode call(String method, URI uri, JsonNode body, String what) throws InterruptedException {
        boolean refreshedOn401 = false;
        for (int attempt = 1; ; attempt++) {
            HttpRequest.Builder request =
                    HttpRequest.newBuilder(uri)
                            .timeout(TIMEOUT)
                            .header("Accept", "application/json")
                            .header("Authorization", "Bearer " + token(what));
            if (body != null) {
                request.header("Content-Type", "application/json")
                        .method(method, HttpRequest.BodyPublishers.ofString(body.toString()));
            } else {
                request.method(method, HttpRequest.BodyPublishers.noBody());
            }
            Answer answer = send(request.build(), what, attempt);
            if (answer == null) {
                continue;
            }
            if (answer.status() == 401 && !refreshedOn401) {
                // Revoked or expired early: one fresh token, then a 401 is permanent.
                refreshedOn401 = true;
                token.invalidate();
                continue;
            }
            if (answer.status() == 204) {
                return null;
            }
            return parse(answer, what);
        }
    }

    private String token(String what) throws InterruptedException {
        String current = token.current();
        if (current != null) {
            return current;
        }
        String tokenWhat = what + ": OAuth token from " + settings.tokenUrl();
        for (int attempt = 1; ; attempt++) {
            long requestedAt = System.currentTimeMillis();
            Answer answer = send(token.request(TIMEOUT), tokenWhat, attempt);
            if (answer == null) {
                continue;
            }
            parse(answer, tokenWhat);
            try {
                String accessToken = token.accept(answer.body(), requestedAt);
                counters.tokensObtained.incrementAndGet();
                return accessToken;
            } catch (IllegalStateException e) {
                throw new BackfillException(tokenWhat + ": " + e.getMessage());
            }
        }
    }

    /** One call within the budget; null when it is to be retried (after the backoff). */
    private Answer send(HttpRequest request, String what, int attempt) throws InterruptedException {
        budget.acquire();
        counters.requests.incrementAndGet();
        String retryAfter = null;
        String failure;
        try {
            HttpResponse<String> response =
                    client.send(request, HttpResponse.BodyHandlers.ofString());
            int status = response.statusCode();
            if (!TRANSIENT.contains(status)) {
                if (status >= 400 && status != 401) {
                    throw new BackfillException(
                            what + " answered " + status + ": " + excerpt(response.body()));
                }
                return new Answer(status, response.body());
            }
            if (status == 429) {
                counters.throttled.incrementAndGet();
            }
            retryAfter = response.headers().firstValue("Retry-After").orElse(null);
            failure = "status " + status;
        } catch (IOException e) {
            failure = e.toString();
        }
        if (attempt >= settings.maxAttempts()) {
            throw new BackfillException(
                    what + " failed " + attempt + " times, the last with " + failure);
        }
        long delay = backoff.delayMs(attempt, retryAfter, System.currentTimeMillis());
        LOG.info("{}: {}, retrying in {} ms (attempt {})", what, failure, delay, attempt);
        Thread.sleep(delay);
        return null;
    }

    private static JsonNode parse(Answer answer, String what) {
        if (answer.status() == 401) {
            throw new BackfillException(what + " answered 401: the credentials are refused");
        }
        try {
            return MAPPER.readTree(answer.body());
        } catch (IOException e) {
            throw new BackfillException(what + " answered no JSON: " + excerpt(answer.body()));
        }
    }

    private static String excerpt(String body) {
        String text = body == null ? "" : body.strip();
        return text.length() > 300 ? text.substring(0, 300) + "…" : text;
    }

    private record Answer(int status, String body) {}
}
