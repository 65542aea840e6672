package dev.cxq.udf.model;

/** Upload status of a recording artifact. */
public enum RecordingStatus implements WireEnum {
    STARTED,
    PENDING,
    UPLOADED,
    FAILED
}
