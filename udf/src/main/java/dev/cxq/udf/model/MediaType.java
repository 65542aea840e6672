package dev.cxq.udf.model;

/** Media of a WebRTC quality sample. */
public enum MediaType implements WireEnum {
    AUDIO,
    VIDEO
}
