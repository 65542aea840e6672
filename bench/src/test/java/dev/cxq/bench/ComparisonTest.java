package dev.cxq.bench;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class ComparisonTest {

    @Test
    void theRatioIsTakenPerPairNotBetweenMedians() {
        // Load doubled between the pairs: each pair's B is 1.5× its A, the medians say 1.2×.
        Comparison c = Comparison.of(List.of(100.0, 200.0, 50.0), List.of(150.0, 300.0, 75.0));

        assertThat(c.ratio().median()).isCloseTo(1.5, within(1e-9));
        assertThat(c.ratio().min()).isCloseTo(1.5, within(1e-9));
        assertThat(c.ratio().max()).isCloseTo(1.5, within(1e-9));
        assertThat(c.a()).isEqualTo(new Spread(100, 50, 200));
        assertThat(c.b()).isEqualTo(new Spread(150, 75, 300));
    }

    @Test
    void theRatioSpreadIsTheRangeOfThePairRatios() {
        Comparison c =
                Comparison.of(List.of(10.0, 10.0, 10.0, 10.0), List.of(8.0, 12.0, 11.0, 30.0));

        // Ratios 0.8, 1.2, 1.1, 3.0: the median of an even count is the mean of the middle two.
        assertThat(c.ratio().median()).isCloseTo(1.15, within(1e-9));
        assertThat(c.ratio().min()).isCloseTo(0.8, within(1e-9));
        assertThat(c.ratio().max()).isCloseTo(3.0, within(1e-9));
        assertThat(c.ratio().formatRatio()).isEqualTo("1.15× (0.80–3.00)");
    }

    @Test
    void unpairedRunsAreRefused() {
        assertThatThrownBy(() -> Comparison.of(List.of(1.0, 2.0), List.of(1.0)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Comparison.of(List.of(), List.of()))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aSpreadFormatsItsMedianAndRange() {
        assertThat(Spread.of(List.of(3000.0, 1000.0, 2500.0)).format())
                .isEqualTo("2,500 (1,000–3,000)");
    }
}
