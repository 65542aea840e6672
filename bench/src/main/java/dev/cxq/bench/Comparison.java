package dev.cxq.bench;

import java.util.ArrayList;
import java.util.List;

/**
 * Interleaved measurements of a baseline ({@code a}) and a candidate ({@code b}): {@code a[i]} and
 * {@code b[i]} ran one after the other, in the same load window. The ratio is taken per pair, so a
 * change of load between pairs moves both sides of a ratio alike; its spread is the range of the
 * per-pair ratios.
 */
record Comparison(Spread a, Spread b, Spread ratio) {

    static Comparison of(List<Double> a, List<Double> b) {
        if (a.size() != b.size() || a.isEmpty()) {
            throw new IllegalArgumentException(
                    "needs as many baseline as candidate runs, at least one: "
                            + a.size()
                            + " and "
                            + b.size());
        }
        List<Double> ratios = new ArrayList<>();
        for (int i = 0; i < a.size(); i++) {
            ratios.add(b.get(i) / a.get(i));
        }
        return new Comparison(Spread.of(a), Spread.of(b), Spread.of(ratios));
    }
}
