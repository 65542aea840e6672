package dev.cxq.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** The median of some measurements and their range. */
record Spread(double median, double min, double max) {

    static Spread of(List<Double> values) {
        if (values.isEmpty()) {
            throw new IllegalArgumentException("no values");
        }
        List<Double> sorted = new ArrayList<>(values);
        sorted.sort(null);
        int n = sorted.size();
        double median =
                n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
        return new Spread(median, sorted.get(0), sorted.get(n - 1));
    }

    /** {@code 12,345 (11,000–13,000)}. */
    String format() {
        return String.format(Locale.ROOT, "%,.0f (%,.0f–%,.0f)", median, min, max);
    }

    /** {@code 1.05× (0.98–1.12)}. */
    String formatRatio() {
        return String.format(Locale.ROOT, "%.2f× (%.2f–%.2f)", median, min, max);
    }
}
