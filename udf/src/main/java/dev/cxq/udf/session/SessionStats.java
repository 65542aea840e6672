package dev.cxq.udf.session;

import dev.cxq.udf.model.CanonicalEvent;
import dev.cxq.udf.quality.MediaQualityDetector;
import dev.cxq.udf.quality.SampleAssessment;
import dev.cxq.udf.rows.SessionQuality;

/** Running statistics of one open session, with its detector and slot record (a Flink POJO). */
public class SessionStats {
    public long samples;
    public double mosSum;
    public long mosCount;
    public Double minMos;
    public Double maxPacketLossPct;
    public String agentId;
    public String queueId;
    public long lastEventTs = Long.MIN_VALUE;
    public MediaQualityDetector media = new MediaQualityDetector();

    /** The samples handed over, so that their late copies are recognised. */
    public SampleSlots slots = new SampleSlots();

    public SessionStats() {}

    void add(CanonicalEvent sample, SampleAssessment assessment) {
        samples++;
        if (sample.agentId != null) {
            agentId = sample.agentId;
        }
        Double mos = assessment.mos();
        if (mos != null) {
            mosSum += mos;
            mosCount++;
            minMos = minMos == null ? mos : Math.min(minMos, mos);
        }
        if (sample.packetLossPct != null) {
            maxPacketLossPct =
                    maxPacketLossPct == null
                            ? sample.packetLossPct
                            : Math.max(maxPacketLossPct, sample.packetLossPct);
        }
    }

    SessionQuality toRow(String sessionId, long endTime, String reason) {
        return new SessionQuality(
                sessionId,
                agentId,
                queueId,
                endTime,
                reason,
                samples,
                mosCount,
                mosCount == 0 ? null : mosSum / mosCount,
                minMos,
                maxPacketLossPct,
                media.degradedMillis / 1000.0,
                media.incidents);
    }
}
