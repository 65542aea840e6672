package dev.cxq.udf.model;

/** What a recording artifact captures. */
public enum RecordingMedia implements WireEnum {
    SCREEN,
    AUDIO
}
