package dev.cxq.job.secret;

import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Where a secret is read from: an environment variable or a file, never the command line or the
 * config file. Only this location travels in the job graph; the secret itself is read where it is
 * used (on the task managers, when the function or writer opens), so it appears in no job
 * configuration, web UI, log or savepoint. {@link #toString()} shows the location only.
 *
 * <p>One exception keeps the replay contract's {@code --jdbc-password P}: a secret {@linkplain
 * #heldByThisProcess held by this process}, which only task managers in the same JVM (a local run)
 * can read.
 *
 * @param envVariable the environment variable holding the secret, or {@code null}
 * @param file the file holding the secret (surrounding whitespace ignored), or {@code null}
 * @param processKey the key of a secret held by this process, or {@code null}
 */
public record SecretRef(String envVariable, String file, String processKey)
        implements Serializable {

    /** Secrets given to this process on its command line, by a random key. */
    private static final Map<String, String> HELD = new ConcurrentHashMap<>();

    public SecretRef {
        int locations =
                (envVariable == null ? 0 : 1)
                        + (file == null ? 0 : 1)
                        + (processKey == null ? 0 : 1);
        if (locations != 1) {
            throw new IllegalArgumentException("a secret is in exactly one place");
        }
    }

    public static SecretRef env(String variable) {
        return new SecretRef(variable, null, null);
    }

    public static SecretRef file(Path file) {
        return new SecretRef(null, file.toAbsolutePath().toString(), null);
    }

    /**
     * A secret this process was given as a value (a command-line argument): the job carries a
     * random key, and only this JVM can resolve it.
     */
    public static SecretRef heldByThisProcess(String value) {
        String key = UUID.randomUUID().toString();
        HELD.put(key, value);
        return new SecretRef(null, null, key);
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
        } else if (processKey != null) {
            value = HELD.get(processKey);
            if (value == null) {
                throw new IllegalStateException(
                        "the secret given on the command line is known only to the process that"
                                + " was given it (a local run); on a cluster, give it in an"
                                + " environment variable or a file");
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

    /** The location, for messages: {@code env CXQ_X}, {@code file /path} or the command line. */
    @Override
    public String toString() {
        return file != null
                ? "file " + file
                : envVariable != null ? "env " + envVariable : "the command line (this process)";
    }
}
