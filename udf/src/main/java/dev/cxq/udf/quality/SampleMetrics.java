package dev.cxq.udf.quality;

import dev.cxq.udf.model.CanonicalEvent;

/** The measurements of one sample that an alert row reports (a Flink POJO). */
public class SampleMetrics {

    public Double mos;
    public boolean mosEstimated;
    public Double jitterMs;
    public Double packetLossPct;
    public Double rttMs;
    public Double bitrateKbps;

    public SampleMetrics() {}

    static SampleMetrics of(CanonicalEvent sample, SampleAssessment assessment) {
        SampleMetrics m = new SampleMetrics();
        m.mos = assessment.mos();
        m.mosEstimated = assessment.mosEstimated();
        m.jitterMs = sample.jitterMs;
        m.packetLossPct = sample.packetLossPct;
        m.rttMs = sample.rttMs;
        m.bitrateKbps = sample.bitrateKbps;
        return m;
    }
}
