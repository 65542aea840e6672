package dev.cxq.bench;

/**
 * The payloads of a {@link SampleStream}'s first records, generated before a timed run so that the
 * run does not count building the input JSON (in production the producer builds it), kept in a
 * JVM-wide store (the benchmark runs a local cluster in this JVM, as for {@link EmissionClock}).
 * The source reads a payload from here when the store holds that stream's record, else generates
 * it.
 */
final class PregeneratedInput {

    private record Store(SampleStream stream, String[] payloads) {}

    private static volatile Store store;

    private PregeneratedInput() {}

    /** Generates the payloads of records [0, {@code count}) of {@code stream} and keeps them. */
    static void install(SampleStream stream, long count) {
        String[] payloads = new String[Math.toIntExact(count)];
        for (int index = 0; index < payloads.length; index++) {
            payloads[index] = stream.payload(index);
        }
        install(stream, payloads);
    }

    /** Keeps {@code payloads} as the first records of {@code stream}. */
    static void install(SampleStream stream, String[] payloads) {
        store = new Store(stream, payloads);
    }

    static void uninstall() {
        store = null;
    }

    static boolean installed() {
        return store != null;
    }

    /** Record {@code index}'s payload if the store holds it for {@code stream}, else null. */
    static String payload(SampleStream stream, long index) {
        Store held = store;
        if (held == null || index >= held.payloads.length || !held.stream.equals(stream)) {
            return null;
        }
        return held.payloads[(int) index];
    }
}
