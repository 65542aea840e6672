package dev.cxq.job.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The problems of a configuration, collected while the options check themselves: each names the
 * option as the user wrote it (flag, environment variable or config key), the rule and the value.
 */
final class Problems {

    private final ConfigSources.Origins origins;
    private final List<String> problems = new ArrayList<>();

    Problems(ConfigSources.Origins origins) {
        this.origins = origins;
    }

    /** The option as the user wrote it: its flag, variable or config key. */
    String name(String flag) {
        return origins.name(flag);
    }

    /** Whether the user gave the option, by any source. */
    boolean isSet(String flag) {
        return origins.isSet(flag);
    }

    void add(String problem) {
        problems.add(problem);
    }

    List<String> all() {
        return List.copyOf(problems);
    }

    void atLeast(String flag, int value, int min) {
        if (value < min) {
            add(name(flag) + " must be " + min + " or more: " + value);
        }
    }

    void between(String flag, double value, double min, double max) {
        if (!(value >= min && value <= max)) {
            add(
                    name(flag)
                            + " must be between "
                            + number(min)
                            + " and "
                            + number(max)
                            + ": "
                            + value);
        }
    }

    void between(String flag, int value, int min, int max) {
        if (value < min || value > max) {
            add(name(flag) + " must be between " + min + " and " + max + ": " + value);
        }
    }

    void positive(String flag, Duration value) {
        if (value.isNegative() || value.isZero()) {
            add(name(flag) + " must be positive: " + value);
        }
    }

    void notNegative(String flag, Duration value) {
        if (value.isNegative()) {
            add(name(flag) + " must not be negative: " + value);
        }
    }

    void notBlank(String flag, String value) {
        if (value == null || value.isBlank()) {
            add(name(flag) + " must not be blank");
        }
    }

    void readable(String flag, Path file) {
        if (file != null && !(Files.isRegularFile(file) && Files.isReadable(file))) {
            add(name(flag) + " is not a readable file: " + file);
        }
    }

    private static String number(double value) {
        return value == Math.rint(value) ? String.valueOf((long) value) : String.valueOf(value);
    }
}
