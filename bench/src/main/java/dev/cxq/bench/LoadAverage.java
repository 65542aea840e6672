package dev.cxq.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/** The 1-, 5- and 15-minute load averages of the machine ({@code /proc/loadavg}). */
record LoadAverage(double one, double five, double fifteen) {

    private static final Path LOADAVG = Path.of("/proc/loadavg");

    /** Now; NaN where {@code /proc/loadavg} is missing (not Linux). */
    static LoadAverage now() {
        try {
            return parse(Files.readString(LOADAVG));
        } catch (IOException e) {
            return new LoadAverage(Double.NaN, Double.NaN, Double.NaN);
        }
    }

    static LoadAverage parse(String loadavg) {
        String[] parts = loadavg.trim().split("\\s+");
        return new LoadAverage(
                Double.parseDouble(parts[0]),
                Double.parseDouble(parts[1]),
                Double.parseDouble(parts[2]));
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "%.2f, %.2f, %.2f", one, five, fifteen);
    }
}
