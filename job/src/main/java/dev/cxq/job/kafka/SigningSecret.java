package dev.cxq.job.kafka;

import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where the HMAC signing secret is read from: an environment variable or a file, never the command
 * line. Only the location travels in the job graph; the secret itself is read where it is used (on
 * the task managers, when the source opens), so it appears in no job configuration, UI or log.
 *
 * @param envVariable the environment variable holding the secret, or {@code null}
 * @param file the file holding the secret (trailing newline ignored), or {@code null}
 */
public record SigningSecret(String envVariable, String file) implements Serializable {

    /** The environment variable read when no file is given. */
    public static final String DEFAULT_ENV = "CXQ_SIGNING_SECRET";

    public static SigningSecret fromEnv(String variable) {
        return new SigningSecret(variable, null);
    }

    public static SigningSecret fromFile(Path file) {
        return new SigningSecret(null, file.toAbsolutePath().toString());
    }

    /** Whether a secret is configured at this location (without revealing it). */
    public boolean isPresent() {
        if (file != null) {
            return Files.isReadable(Path.of(file));
        }
        String value = System.getenv(envVariable);
        return value != null && !value.isEmpty();
    }

    /** The secret's bytes; fails when it is missing or empty. */
    public byte[] read() {
        String value;
        if (file != null) {
            try {
                value = Files.readString(Path.of(file), StandardCharsets.UTF_8).strip();
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read the signing secret file " + file, e);
            }
        } else {
            value = System.getenv(envVariable);
        }
        if (value == null || value.isEmpty()) {
            throw new IllegalStateException(
                    "no signing secret in "
                            + (file != null
                                    ? "file " + file
                                    : "environment variable " + envVariable));
        }
        return value.getBytes(StandardCharsets.UTF_8);
    }
}
