package dev.cxq.udf.quality;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** Expected values computed by hand from the contract's formula (shown per case). */
class EModelTest {

    @Test
    void lowLatencyUsesTheFortiethBranch() {
        // latency 40 + 2*5 + 10 = 60; R = 94.768 - 60/40 - 2.5*0.1 = 93.018
        // MOS = 1 + 0.035*93.018 + 7e-6*93.018*33.018*6.982 = 1 + 3.25563 + 0.15011 = 4.40574
        assertThat(EModel.estimateMos(40, 5, 0.1)).isCloseTo(4.40574, within(1e-4));
    }

    @Test
    void latencyFromOneHundredSixtyUsesTheTenthBranch() {
        // latency 300 + 40 + 10 = 350; R = 94.768 - (350 - 120)/10 - 2.5*5 = 59.268
        // MOS = 1 + 2.07438 + 7e-6*59.268*(-0.732)*40.732 = 1 + 2.07438 - 0.01237 = 3.06201
        assertThat(EModel.estimateMos(300, 20, 5)).isCloseTo(3.06201, within(1e-4));
        // latency exactly 160: R = 94.768 - 4 = 90.768 (both branches agree there)
        assertThat(EModel.estimateMos(150, 0, 0))
                .isCloseTo(1 + 0.035 * 90.768 + 7e-6 * 90.768 * 30.768 * 9.232, within(1e-9));
    }

    @Test
    void rOutsideZeroToHundredIsClampedToTheEndsOfTheScale() {
        // latency 2010: R = 94.768 - 189 < 0 -> MOS 1.0
        assertThat(EModel.estimateMos(2000, 0, 0)).isEqualTo(1.0, within(1e-9));
        // 100% loss: R = 94.768 - 0.25 - 250 < 0
        assertThat(EModel.estimateMos(0, 0, 100)).isEqualTo(1.0, within(1e-9));
    }
}
