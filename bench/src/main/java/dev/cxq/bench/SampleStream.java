package dev.cxq.bench;

import dev.cxq.udf.model.RawRecord;

import org.apache.flink.connector.datagen.source.GeneratorFunction;

import java.time.Instant;
import java.util.Objects;
import java.util.SplittableRandom;
import java.util.UUID;

/**
 * A deterministic stream of canonical events for {@code sessions} concurrent sessions: one media
 * sample every 5 s per session, an interaction lifecycle around each session, and degraded periods.
 * Record {@code i} depends only on the seed and {@code i}, so every benchmark and every run reads
 * the same input. Records come in event-time order (sessions are phase-shifted within the 5 s
 * step), so nothing is late and the watermark bound is never the bottleneck.
 *
 * <p>Each session slot runs back-to-back sessions of {@link #LIFE_STEPS} steps (5 minutes): step 0
 * is the {@code connected} interaction, step 40 {@code hold}, step 44 {@code unhold}, the last step
 * {@code completed}; all others are audio samples. Per session, 20 % have a sustained degradation
 * (9 samples, 45 s: one incident), 20 % a transient dip (4 samples, 20 s: no incident), the rest
 * stay healthy. Degraded runs are shorter than twice the 30 s rule and followed by a healthy
 * period, which keeps the CEP baseline's semantics equal to cxq's on this input.
 */
public final class SampleStream implements GeneratorFunction<Long, RawRecord> {

    private static final long serialVersionUID = 1L;

    public static final long STEP_MILLIS = 5_000;
    public static final int LIFE_STEPS = 60;

    /** 2026-01-01T00:00:00Z. */
    public static final long START_MILLIS = 1_767_225_600_000L;

    private static final int SUSTAINED_FROM = 10;
    private static final int SUSTAINED_STEPS = 9;
    private static final int TRANSIENT_FROM = 30;
    private static final int TRANSIENT_STEPS = 4;
    private static final int HOLD_AT = 40;
    private static final int UNHOLD_AT = 44;

    private final int sessions;
    private final long seed;
    private final boolean uuidIds;

    public SampleStream(int sessions, long seed) {
        this(sessions, seed, false);
    }

    /**
     * With {@code uuidIds}, event and session ids are UUIDs (derived from the seed and the index,
     * the slot and its generation), as producers send them, instead of the short {@code e-<index>}
     * and {@code s<slot>-<generation>}: the state measurement needs their size.
     */
    public SampleStream(int sessions, long seed, boolean uuidIds) {
        this.sessions = sessions;
        this.seed = seed;
        this.uuidIds = uuidIds;
    }

    public int sessions() {
        return sessions;
    }

    /** Number of records for {@code steps} sample intervals of every session slot. */
    public long count(int steps) {
        return (long) sessions * steps;
    }

    public long timestampOf(long index) {
        long step = index / sessions;
        long slot = index % sessions;
        return START_MILLIS + step * STEP_MILLIS + slot * STEP_MILLIS / sessions;
    }

    /** The first record whose timestamp is at least {@code ts}. */
    public long firstIndexAtOrAfter(long ts) {
        long offset = ts - START_MILLIS;
        if (offset <= 0) {
            return 0;
        }
        long step = offset / STEP_MILLIS;
        long within = offset % STEP_MILLIS;
        // Smallest slot with slot * STEP / sessions >= within.
        long slot = (within * sessions + STEP_MILLIS - 1) / STEP_MILLIS;
        return step * sessions + slot;
    }

    /**
     * Record {@code index}: its payload from {@link PregeneratedInput} when a timed run generated
     * it beforehand, else generated here.
     */
    @Override
    public RawRecord map(Long index) {
        EmissionClock.record(index);
        String payload = PregeneratedInput.payload(this, index);
        return new RawRecord("gen:" + index, payload != null ? payload : payload(index));
    }

    public String payload(long index) {
        int slot = (int) (index % sessions);
        long step = index / sessions;
        long lifeStep = step + shift(slot);
        long generation = lifeStep / LIFE_STEPS;
        int phase = (int) (lifeStep % LIFE_STEPS);
        String sessionId =
                uuidIds
                        ? new UUID(mix(seed, slot * 1_000_003L + generation), mix(~seed, slot))
                                .toString()
                        : "s" + slot + "-" + generation;
        long ts = timestampOf(index);
        SplittableRandom random = new SplittableRandom(mix(seed, index));

        StringBuilder json = new StringBuilder(320);
        json.append("{\"event_id\":\"");
        if (uuidIds) {
            json.append(new UUID(mix(seed, ~index), mix(~seed, index)));
        } else {
            json.append("e-").append(index);
        }
        json.append('"');
        if (phase == 0 || phase == HOLD_AT || phase == UNHOLD_AT || phase == LIFE_STEPS - 1) {
            json.append(",\"kind\":\"interaction\"");
            common(json, sessionId, ts, slot);
            json.append(",\"state\":\"").append(state(phase)).append('"');
            json.append(",\"queue_id\":\"q-").append(slot % 20).append('"');
            json.append(",\"customer_id\":\"c-")
                    .append(mix(seed, slot * 31L + generation) & 0xFFFFF);
            json.append("\",\"channel\":\"voice\",\"agent_timezone\":\"Europe/Paris\"");
            if (phase == LIFE_STEPS - 1) {
                json.append(",\"disposition\":\"RESOLVED\"");
            }
        } else {
            json.append(",\"kind\":\"media_sample\"");
            common(json, sessionId, ts, slot);
            boolean degraded = degraded(slot, generation, phase);
            double mos = degraded ? 2.6 + random.nextDouble(0.7) : 3.9 + random.nextDouble(0.5);
            double loss = degraded ? 3 + random.nextDouble(5) : random.nextDouble(1);
            json.append(",\"media\":\"audio\",\"mos\":").append(round(mos));
            json.append(",\"jitter_ms\":").append(round(5 + random.nextDouble(15)));
            json.append(",\"rtt_ms\":").append(round(40 + random.nextDouble(80)));
            json.append(",\"packet_loss_pct\":").append(round(loss));
            json.append(",\"bitrate_kbps\":").append(round(30 + random.nextDouble(10)));
            json.append(",\"peer_state\":\"connected\"");
        }
        return json.append('}').toString();
    }

    private static void common(StringBuilder json, String sessionId, long ts, int slot) {
        json.append(",\"session_id\":\"").append(sessionId).append('"');
        json.append(",\"ts\":\"").append(Instant.ofEpochMilli(ts)).append('"');
        json.append(",\"agent_id\":\"a-").append(slot % 500).append('"');
    }

    private static String state(int phase) {
        return switch (phase) {
            case 0 -> "connected";
            case HOLD_AT -> "hold";
            case UNHOLD_AT -> "unhold";
            default -> "completed";
        };
    }

    private boolean degraded(int slot, long generation, int phase) {
        long kind = Math.floorMod(mix(seed, slot * 1_000_003L + generation), 10);
        if (kind < 2) {
            return phase >= SUSTAINED_FROM && phase < SUSTAINED_FROM + SUSTAINED_STEPS;
        }
        if (kind < 4) {
            return phase >= TRANSIENT_FROM && phase < TRANSIENT_FROM + TRANSIENT_STEPS;
        }
        return false;
    }

    /** Slots start their sessions at different times, as real sessions do. */
    private int shift(int slot) {
        return (int) Math.floorMod(mix(seed, -slot - 1L), LIFE_STEPS);
    }

    private static double round(double value) {
        return Math.round(value * 100) / 100.0;
    }

    /** Streams are equal when they make the same records. */
    @Override
    public boolean equals(Object other) {
        return other instanceof SampleStream stream
                && stream.sessions == sessions
                && stream.seed == seed
                && stream.uuidIds == uuidIds;
    }

    @Override
    public int hashCode() {
        return Objects.hash(sessions, seed, uuidIds);
    }

    /** SplitMix64 finaliser: a well-spread hash of the seed and a number. */
    static long mix(long seed, long value) {
        long z = seed + value * 0x9E3779B97F4A7C15L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
