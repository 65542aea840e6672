package dev.cxq.udf.dedup;

import dev.cxq.udf.model.CanonicalEvent;
import dev.cxq.udf.model.Platform;

import org.junit.jupiter.api.Test;

import static dev.cxq.udf.testing.Events.sample;
import static org.assertj.core.api.Assertions.assertThat;

class EventIdentityTest {

    @Test
    void theIdentityIsThePlatformAndTheEventId() {
        CanonicalEvent canonical = sample("s1", 5);
        canonical.eventId = "nice:42:completed";
        CanonicalEvent nice = sample("s1", 5);
        nice.eventId = "nice:42:completed";
        nice.platform = Platform.NICE;
        CanonicalEvent plain = sample("s1", 5);
        plain.eventId = "e-1";

        assertThat(EventIdentity.of(nice)).isEqualTo("nice:42:completed");
        assertThat(EventIdentity.of(canonical)).isNotEqualTo(EventIdentity.of(nice));
        assertThat(EventIdentity.idBits(canonical)).isNotEqualTo(EventIdentity.idBits(nice));
        // Unchanged for every id of the previous releases' key space: their savepoints carry over.
        assertThat(EventIdentity.of(plain)).isEqualTo("e-1");
        CanonicalEvent qualifiedLookalike = sample("s1", 5);
        qualifiedLookalike.eventId = "canonical:nice:42:completed";
        assertThat(EventIdentity.of(qualifiedLookalike)).isNotEqualTo(EventIdentity.of(canonical));
    }

    @Test
    void theContentHashIgnoresWhereTheEventWasRead() {
        CanonicalEvent first = sample("s1", 5);
        CanonicalEvent again = sample("s1", 5);
        again.source = "topic/3/17";
        CanonicalEvent other = sample("s1", 5, 1.5);

        assertThat(EventIdentity.contentHash(again)).isEqualTo(EventIdentity.contentHash(first));
        assertThat(EventIdentity.contentHash(other)).isNotEqualTo(EventIdentity.contentHash(first));
    }
}
