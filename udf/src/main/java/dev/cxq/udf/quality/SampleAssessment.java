package dev.cxq.udf.quality;

import dev.cxq.udf.model.CanonicalEvent;
import dev.cxq.udf.model.MediaType;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;

/**
 * One media sample judged against the thresholds.
 *
 * @param mos the sample's MOS, its E-model estimate when it has none, or null when neither
 * @param mosEstimated whether {@code mos} is the E-model estimate
 * @param breaches bit set of the thresholds breached ({@link #MOS}, {@link #PACKET_LOSS}, {@link
 *     #VIDEO_BITRATE}); the sample is degraded when it is not zero
 */
public record SampleAssessment(Double mos, boolean mosEstimated, int breaches) {

    public static final int MOS = 1;
    public static final int PACKET_LOSS = 2;
    public static final int VIDEO_BITRATE = 4;

    public static SampleAssessment of(CanonicalEvent sample, QualityThresholds thresholds) {
        Double mos = sample.mos;
        boolean estimated = false;
        if (mos == null
                && sample.rttMs != null
                && sample.jitterMs != null
                && sample.packetLossPct != null) {
            mos = EModel.estimateMos(sample.rttMs, sample.jitterMs, sample.packetLossPct);
            estimated = true;
        }
        int breaches = 0;
        if (mos != null && mos < thresholds.mosBelow()) {
            breaches |= MOS;
        }
        if (sample.packetLossPct != null
                && sample.packetLossPct > thresholds.packetLossAbovePct()) {
            breaches |= PACKET_LOSS;
        }
        if (sample.media == MediaType.VIDEO
                && sample.bitrateKbps != null
                && sample.bitrateKbps < thresholds.videoBitrateBelowKbps()) {
            breaches |= VIDEO_BITRATE;
        }
        return new SampleAssessment(mos, estimated, breaches);
    }

    public boolean degraded() {
        return breaches != 0;
    }

    /**
     * The {@code reason} text naming every breached threshold, e.g. {@code mos<3.5,
     * packet_loss_pct>2.0}.
     */
    public static String reason(int breaches, QualityThresholds thresholds) {
        List<String> parts = new ArrayList<>(3);
        if ((breaches & MOS) != 0) {
            parts.add("mos<" + plain(thresholds.mosBelow()));
        }
        if ((breaches & PACKET_LOSS) != 0) {
            parts.add("packet_loss_pct>" + plain(thresholds.packetLossAbovePct()));
        }
        if ((breaches & VIDEO_BITRATE) != 0) {
            parts.add("video_bitrate_kbps<" + plain(thresholds.videoBitrateBelowKbps()));
        }
        return String.join(", ", parts);
    }

    private static String plain(double threshold) {
        return BigDecimal.valueOf(threshold).stripTrailingZeros().toPlainString();
    }
}
