package dev.cxq.job.demo;

import java.io.Serializable;
import java.time.Instant;
import java.time.ZoneId;
import java.util.Iterator;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The sessions of the demo: a pure, deterministic function of a seed, a number of concurrent
 * session slots and an origin instant. Each slot is one agent position taking calls back to back
 * ({@link SlotTimeline}); every call is drawn from its own random stream (seed, slot, call), so any
 * slot can be generated alone and a split of slots always yields the same events, whatever the
 * parallelism.
 *
 * <p>Event time is the script's timeline, which starts at the origin: one media sample per
 * connected session every 5 s. The first call of slots 0 to {@link #SCRIPTED_SLOTS}{@code - 1}
 * plays a {@link ScriptedIncident}, all within the first 45 s of event time; the other calls are
 * drawn by {@link RandomCalls}; {@link CallWriter} turns calls into events and adds the deliberate
 * disorder. How fast the timeline is played against the wall clock is the source's business ({@link
 * DemoSource}), not the script's.
 */
public final class DemoScript implements Serializable {

    private static final long serialVersionUID = 1L;

    public static final long SAMPLE_INTERVAL_MS = 5_000;

    /**
     * Slots whose first call plays a {@link ScriptedIncident} (one per constant); a demo needs at
     * least this many slots.
     */
    public static final int SCRIPTED_SLOTS = 13;

    /** Agents' zones: at any hour some of them are outside 08:00-18:00 local time. */
    static final List<String> ZONES =
            List.of(
                    "America/Los_Angeles",
                    "America/New_York",
                    "Europe/London",
                    "Europe/Berlin",
                    "Asia/Kolkata",
                    "Asia/Tokyo",
                    "Australia/Sydney");

    private final long seed;
    private final int slots;
    private final long originMs;
    private final String runTag;

    /**
     * @param slots concurrent sessions, at least {@link #SCRIPTED_SLOTS}
     * @param originMs epoch milliseconds of the script's time zero
     */
    public DemoScript(long seed, int slots, long originMs) {
        if (slots < SCRIPTED_SLOTS) {
            throw new IllegalArgumentException(
                    "the demo needs at least " + SCRIPTED_SLOTS + " sessions, got " + slots);
        }
        this.seed = seed;
        this.slots = slots;
        this.originMs = originMs;
        // Session ids carry the run's origin, so two demo runs into one database never collide.
        this.runTag = Long.toString(originMs / 1000, 36);
    }

    public int slots() {
        return slots;
    }

    public long originMs() {
        return originMs;
    }

    /** The events of one slot, in {@link ScriptedEvent#EMISSION_ORDER}, without end. */
    public Iterator<ScriptedEvent> slot(int slot) {
        if (slot < 0 || slot >= slots) {
            throw new IllegalArgumentException("no slot " + slot + " among " + slots);
        }
        return new SlotTimeline(this, slot);
    }

    /** The session id of a slot's call. */
    String sessionId(int slot, int call) {
        return "demo-" + runTag + "-" + slot + "-" + call;
    }

    static String agentId(int slot) {
        return String.format("agent-%04d", slot);
    }

    /** Customers calls are drawn from: a pool, so some customers call again. */
    int customers() {
        return slots * 3;
    }

    /** The random stream of one call of one slot. */
    SplittableRandom callRandom(int slot, int call) {
        return new SplittableRandom(mix(seed, slot, call));
    }

    /** A slot's agent zone; the {@link ScriptedIncident#OFF_HOURS} agent's is outside hours. */
    String zoneOf(int slot) {
        if (slot == ScriptedIncident.OFF_HOURS.slot()) {
            return offHoursZone();
        }
        return ZONES.get(new SplittableRandom(mix(seed, slot, -1)).nextInt(ZONES.size()));
    }

    /** A zone in which the origin lies outside 08:00-18:00, for the scripted off-hours call. */
    String offHoursZone() {
        for (String zone : ZONES) {
            int hour = Instant.ofEpochMilli(originMs).atZone(ZoneId.of(zone)).getHour();
            if (hour < 8 || hour >= 18) {
                return zone;
            }
        }
        throw new IllegalStateException("every demo zone is in business hours");
    }

    private static long mix(long seed, long slot, long call) {
        long h = seed * 0x9E3779B97F4A7C15L + slot;
        h = h * 0xBF58476D1CE4E5B9L + call;
        return h ^ (h >>> 31);
    }
}
