package dev.cxq.job.http;

import java.io.Serializable;
import java.time.Duration;

/**
 * A tenant's request budget: at most {@code requests} calls in any {@code window}, all readers
 * together (Genesys Cloud documents 300 per minute per OAuth client).
 */
public record RateLimit(int requests, Duration window) implements Serializable {

    @Override
    public String toString() {
        return requests + "/" + window;
    }
}
