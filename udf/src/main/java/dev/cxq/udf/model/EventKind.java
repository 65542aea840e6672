package dev.cxq.udf.model;

/** The three kinds of canonical event. */
public enum EventKind implements WireEnum {
    MEDIA_SAMPLE,
    INTERACTION,
    RECORDING
}
