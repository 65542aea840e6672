package dev.cxq.udf.testing;

import dev.cxq.udf.model.CanonicalEvent;
import dev.cxq.udf.model.EventKind;
import dev.cxq.udf.model.InteractionState;
import dev.cxq.udf.model.MediaType;
import dev.cxq.udf.model.RecordingMedia;
import dev.cxq.udf.model.RecordingStatus;

import java.time.Instant;

/** Fixed instants and builders of canonical events, shared by the tests of every module. */
public final class Events {

    private Events() {}

    /** 2026-03-09T14:00:00Z, a Monday; DST already in force in New York. */
    public static final Instant T0 = Instant.parse("2026-03-09T14:00:00Z");

    public static long at(long secondsAfterT0) {
        return T0.plusSeconds(secondsAfterT0).toEpochMilli();
    }

    /** A healthy audio sample. */
    public static CanonicalEvent sample(String sessionId, long secondsAfterT0) {
        CanonicalEvent e = base(EventKind.MEDIA_SAMPLE, sessionId, secondsAfterT0);
        e.media = MediaType.AUDIO;
        e.mos = 4.3;
        e.packetLossPct = 0.1;
        e.jitterMs = 5.0;
        e.rttMs = 40.0;
        return e;
    }

    public static CanonicalEvent sample(String sessionId, long secondsAfterT0, double mos) {
        CanonicalEvent e = sample(sessionId, secondsAfterT0);
        e.mos = mos;
        return e;
    }

    public static CanonicalEvent interaction(
            String sessionId, long secondsAfterT0, InteractionState state) {
        CanonicalEvent e = base(EventKind.INTERACTION, sessionId, secondsAfterT0);
        e.state = state;
        return e;
    }

    public static CanonicalEvent recording(
            String sessionId, long secondsAfterT0, RecordingStatus status) {
        CanonicalEvent e = base(EventKind.RECORDING, sessionId, secondsAfterT0);
        e.recordingId = "rec-" + sessionId;
        e.recordingMedia = RecordingMedia.SCREEN;
        e.recordingStatus = status;
        return e;
    }

    private static CanonicalEvent base(EventKind kind, String sessionId, long secondsAfterT0) {
        CanonicalEvent e = new CanonicalEvent();
        e.kind = kind;
        e.sessionId = sessionId;
        e.ts = at(secondsAfterT0);
        e.eventId = kind.wireName() + "-" + sessionId + "-" + secondsAfterT0;
        e.source = "test";
        return e;
    }
}
