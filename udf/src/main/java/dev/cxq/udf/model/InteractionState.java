package dev.cxq.udf.model;

/**
 * Interaction lifecycle states; {@code completed}, {@code abandoned} and {@code missed} are
 * terminal.
 */
public enum InteractionState implements WireEnum {
    QUEUED,
    IVR,
    CONNECTED,
    HOLD,
    UNHOLD,
    TRANSFERRED,
    WRAPUP,
    COMPLETED,
    ABANDONED,
    MISSED;

    public boolean isTerminal() {
        return this == COMPLETED || this == ABANDONED || this == MISSED;
    }
}
