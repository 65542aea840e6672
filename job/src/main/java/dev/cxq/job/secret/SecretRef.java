package dev.cxq.job.secret;

import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Where a secret is read from: an environment variable or a file, never the command line or the
 * config file. Only this location travels in the job graph; the secret itself is read where it is
 * used (on the task managers, when the function or writer opens), so it appears in no job
 * configuration, web UI, log or savepoint. {@link #toString()} shows the location only.
 *
 * @param envVariable the environment variable holding the secret, or {@code null}
 * @param file the file holding the secret (surrounding whitespace ignored), or {@code null}
 */
public record SecretRef(String envVariable, String file) implements Serializable {

    public SecretRef {
        if ((envVariable == null) == (file == null)) {
            throw new IllegalArgumentException("a secret is in exactly one variable or file");
        }
    }

    public static SecretRef env(String variable) {
        return new SecretRef(variable, null);
    }

    public static SecretRef file(Path file) {
        return new SecretRef(null, file.toAbsolutePath().toString());
    }

    /** The secret, read on the task manager from this process's environment or the file. */
    public String read() {
        return read(System.getenv());
    }

    /**
     * The secret, with {@code env} as the process environment (the client checks the secrets of its
     * configuration with the environment it was given).
     *
     * @throws IllegalStateException naming the location (never the value) when it is missing or
     *     empty
     */
    public String read(Map<String, String> env) {
        String value;
        if (file != null) {
            try {
                value = Files.readString(Path.of(file), StandardCharsets.UTF_8).strip();
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read the secret " + this, e);
            }
        } else {
            String fromEnv = env.get(envVariable);
            value = fromEnv == null ? null : fromEnv.strip();
        }
        if (value == null || value.isEmpty()) {
            throw new IllegalStateException("no secret in " + this);
        }
        return value;
    }

    /** The location, for messages: {@code env CXQ_X} or {@code file /path}. */
    @Override
    public String toString() {
        return file != null ? "file " + file : "env " + envVariable;
    }
}
