package dev.cxq.udf.model;

/** Interaction channel. */
public enum Channel implements WireEnum {
    VOICE,
    VIDEO,
    CHAT
}
