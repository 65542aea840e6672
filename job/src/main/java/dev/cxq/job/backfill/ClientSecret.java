package dev.cxq.job.backfill;

import java.io.IOException;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Where the OAuth client secret is, never the secret itself: this object travels in the job graph,
 * and the secret is read only where it is used, in the source reader on the task manager.
 *
 * @param file the file holding the secret, or null
 * @param envVariable the environment variable holding it when there is no file
 */
public record ClientSecret(String file, String envVariable) implements Serializable {

    /** The secret, read now. */
    public String resolve() {
        return resolve(System.getenv());
    }

    String resolve(Map<String, String> env) {
        if (file != null) {
            try {
                String secret = Files.readString(Path.of(file), StandardCharsets.UTF_8).strip();
                if (!secret.isEmpty()) {
                    return secret;
                }
                throw new IllegalStateException(
                        "the backfill client secret file is empty: " + file);
            } catch (IOException e) {
                throw new IllegalStateException(
                        "cannot read the backfill client secret file " + file, e);
            }
        }
        String secret = env.get(envVariable);
        if (secret == null || secret.isBlank()) {
            throw new IllegalStateException(
                    "no backfill client secret: set " + envVariable + " or give a secret file");
        }
        return secret.strip();
    }

    @Override
    public String toString() {
        return file != null ? "file " + file : "environment variable " + envVariable;
    }
}
