package dev.cxq.udf.dedup;

import dev.cxq.udf.json.CanonicalJson;
import dev.cxq.udf.model.CanonicalEvent;
import dev.cxq.udf.model.Platform;

/**
 * What makes two deliveries of an interaction or recording event copies of one event, and what a
 * copy says ({@code docs/dedup.md}).
 */
public final class EventIdentity {

    private EventIdentity() {}

    /**
     * The redelivery identity within a session: the platform and the {@code event_id}. Adapter ids
     * already begin with their platform ({@code genesys:}, {@code nice:}), so they are their own
     * identity, and so are canonical ids; only a canonical id inside an adapter's namespace is
     * qualified, so that it cannot pass for that platform's event. Also the key of {@link
     * PreviousReleaseIds}, whose restored ids are keyed by it.
     */
    public static String of(CanonicalEvent event) {
        if (event.platform == Platform.CANONICAL && inReservedNamespace(event.eventId)) {
            return "canonical:" + event.eventId;
        }
        return event.eventId;
    }

    private static boolean inReservedNamespace(String eventId) {
        for (Platform platform : Platform.values()) {
            if (platform != Platform.CANONICAL && eventId.startsWith(platform.wireName() + ":")) {
                return true;
            }
        }
        return eventId.startsWith("canonical:");
    }

    /** The identity's bits that {@link EventIds} keeps. */
    public static long idBits(CanonicalEvent event) {
        return EventIds.idBits(hash(of(event)));
    }

    /** 64-bit FNV-1a of the identity, then SplitMix64's finaliser: every bit depends on all. */
    static long hash(String identity) {
        long z = fnv1a(identity);
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /** 64-bit FNV-1a of the event's canonical JSON: what the event says, not where it was read. */
    public static long contentHash(CanonicalEvent event) {
        return fnv1a(CanonicalJson.write(event));
    }

    private static long fnv1a(String text) {
        long hash = 0xcbf29ce484222325L;
        for (int i = 0; i < text.length(); i++) {
            hash ^= text.charAt(i);
            hash *= 0x100000001b3L;
        }
        return hash;
    }
}
