package dev.cxq.udf.model;

import org.apache.flink.api.common.typeinfo.TypeInfo;

import java.util.Objects;

/**
 * A validated event in the canonical form of the design contract. One flat class for the three
 * kinds lets one keyed stream carry them all; the fields of the other kinds stay {@code null}.
 * Flink serializes it with {@link CanonicalEventSerializer}; a field added here must be added there
 * too ({@code CanonicalEventSerializerTest} fails until it is).
 */
@TypeInfo(CanonicalEventTypeInfo.Factory.class)
public class CanonicalEvent {

    // Common fields.
    public String eventId;
    public EventKind kind;
    public String sessionId;

    /** Event time, epoch milliseconds (UTC). */
    public long ts;

    /** Position in the source, for late-event and audit rows. */
    public String source;

    public Platform platform = Platform.CANONICAL;

    // media_sample
    public MediaType media;
    public Double mos;
    public Double jitterMs;
    public Double rttMs;
    public Double packetLossPct;
    public Double bitrateKbps;
    public PeerState peerState;

    // media_sample and interaction
    public String agentId;

    // interaction
    public InteractionState state;
    public String queueId;
    public String customerId;

    /** IANA zone id, validated by the parser. */
    public String agentTimezone;

    public String disposition;
    public Channel channel;
    public Boolean recordingRequired;

    /** Platform-measured durations in milliseconds ({@code metrics} object). */
    public Long talkMs;

    public Long holdMs;
    public Long wrapMs;
    public Long queueWaitMs;

    // recording
    public String recordingId;
    public RecordingMedia recordingMedia;
    public RecordingStatus recordingStatus;

    /**
     * Set by the parser when the event arrived behind its split's watermark (the largest event time
     * its file or partition had delivered, minus the watermark bound): it cannot be placed in order
     * any more and goes to {@code late_events}. Decided in arrival order per split, before any
     * shuffle, so BATCH, STREAMING and a restore all agree ({@code docs/semantics.md}, lateness).
     */
    public boolean lateOnArrival;

    public CanonicalEvent() {}

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof CanonicalEvent e)) {
            return false;
        }
        return ts == e.ts
                && Objects.equals(eventId, e.eventId)
                && kind == e.kind
                && Objects.equals(sessionId, e.sessionId)
                && Objects.equals(source, e.source)
                && platform == e.platform
                && media == e.media
                && Objects.equals(mos, e.mos)
                && Objects.equals(jitterMs, e.jitterMs)
                && Objects.equals(rttMs, e.rttMs)
                && Objects.equals(packetLossPct, e.packetLossPct)
                && Objects.equals(bitrateKbps, e.bitrateKbps)
                && peerState == e.peerState
                && Objects.equals(agentId, e.agentId)
                && state == e.state
                && Objects.equals(queueId, e.queueId)
                && Objects.equals(customerId, e.customerId)
                && Objects.equals(agentTimezone, e.agentTimezone)
                && Objects.equals(disposition, e.disposition)
                && channel == e.channel
                && Objects.equals(recordingRequired, e.recordingRequired)
                && Objects.equals(talkMs, e.talkMs)
                && Objects.equals(holdMs, e.holdMs)
                && Objects.equals(wrapMs, e.wrapMs)
                && Objects.equals(queueWaitMs, e.queueWaitMs)
                && Objects.equals(recordingId, e.recordingId)
                && recordingMedia == e.recordingMedia
                && recordingStatus == e.recordingStatus
                && lateOnArrival == e.lateOnArrival;
    }

    @Override
    public int hashCode() {
        return Objects.hash(eventId, kind, sessionId, ts);
    }

    @Override
    public String toString() {
        return kind + "{" + eventId + " session=" + sessionId + " ts=" + ts + "}";
    }
}
