package dev.cxq.udf.model;

/** WebRTC peer-connection state reported with a sample. */
public enum PeerState implements WireEnum {
    CONNECTED,
    DISCONNECTED,
    FAILED
}
