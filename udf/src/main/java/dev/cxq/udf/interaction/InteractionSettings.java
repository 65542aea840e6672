package dev.cxq.udf.interaction;

import java.io.Serializable;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.Objects;
import java.util.Set;

/**
 * The configurable rules of the interaction metrics.
 *
 * @param businessStart start of business hours in the agent's zone (inclusive)
 * @param businessEnd end of business hours in the agent's zone (exclusive)
 * @param defaultZone zone of agents whose events carry no {@code agent_timezone}
 * @param ivrDispositions dispositions excluded from adjusted AHT (self-service in the IVR)
 * @param recordingSla how long after its end an interaction's recording may still be uploaded; also
 *     the allowed lateness of the KPI windows, so a late upload still corrects its window
 * @param partialTimeout event time without any event after which an open interaction is emitted as
 *     {@code partial}
 * @param fcrWindow how long after an interaction's end a new interaction of the same customer
 *     counts as a repeat contact
 */
public record InteractionSettings(
        LocalTime businessStart,
        LocalTime businessEnd,
        ZoneId defaultZone,
        Set<String> ivrDispositions,
        Duration recordingSla,
        Duration partialTimeout,
        Duration fcrWindow)
        implements Serializable {

    public InteractionSettings {
        Objects.requireNonNull(businessStart, "businessStart");
        Objects.requireNonNull(businessEnd, "businessEnd");
        Objects.requireNonNull(defaultZone, "defaultZone");
        ivrDispositions = Set.copyOf(ivrDispositions);
        if (!businessStart.isBefore(businessEnd)) {
            throw new IllegalArgumentException(
                    "business hours must start before they end: "
                            + businessStart
                            + "-"
                            + businessEnd);
        }
        requirePositive(recordingSla, "recordingSla");
        requirePositive(partialTimeout, "partialTimeout");
        requirePositive(fcrWindow, "fcrWindow");
    }

    /** The contract's defaults: 08:00-18:00 UTC, the two IVR dispositions, 4 h, 4 h, 24 h. */
    public static InteractionSettings defaults() {
        return new InteractionSettings(
                LocalTime.of(8, 0),
                LocalTime.of(18, 0),
                ZoneId.of("UTC"),
                Set.of("IVR_SELF_SERVICE", "IVR_TRANSFER_EXTERNAL"),
                Duration.ofHours(4),
                Duration.ofHours(4),
                Duration.ofHours(24));
    }

    /**
     * Whether {@code epochMillis} falls in business hours in {@code zoneId} (the default zone when
     * null). The local wall-clock time is taken through the zone rules, so DST shifts are honoured.
     */
    public boolean isBusinessHours(long epochMillis, String zoneId) {
        ZoneId zone = zoneId == null ? defaultZone : ZoneId.of(zoneId);
        LocalTime local = Instant.ofEpochMilli(epochMillis).atZone(zone).toLocalTime();
        return !local.isBefore(businessStart) && local.isBefore(businessEnd);
    }

    private static void requirePositive(Duration d, String name) {
        if (d == null || d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(name + " must be positive, got " + d);
        }
    }
}
