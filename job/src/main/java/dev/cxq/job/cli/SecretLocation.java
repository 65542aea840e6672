package dev.cxq.job.cli;

import dev.cxq.job.secret.SecretRef;

import java.nio.file.Path;
import java.util.Map;

/** Where an option's secret is: its file option, else its environment variable if set. */
final class SecretLocation {

    private SecretLocation() {}

    /** {@code file} if given, else {@code variable} if it is set in {@code env}, else none. */
    static SecretRef of(Path file, String variable, Map<String, String> env) {
        if (file != null) {
            return SecretRef.file(file);
        }
        String value = env.get(variable);
        return value == null || value.isBlank() ? null : SecretRef.env(variable);
    }
}
