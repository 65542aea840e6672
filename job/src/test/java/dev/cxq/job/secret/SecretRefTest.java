package dev.cxq.job.secret;

import org.apache.flink.util.InstantiationUtil;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SecretRefTest {

    @TempDir Path dir;

    @Test
    void readsAFileOrAVariableAndSerializesOnlyTheLocation() throws Exception {
        Path file = Files.writeString(dir.resolve("token"), "  t0ken-in-file\n");
        SecretRef inFile = SecretRef.file(file);
        assertThat(inFile.read(Map.of())).isEqualTo("t0ken-in-file");
        assertThat(inFile).hasToString("file " + file.toAbsolutePath());

        SecretRef inEnv = SecretRef.env("CXQ_TEST_TOKEN");
        assertThat(inEnv.read(Map.of("CXQ_TEST_TOKEN", "t0ken-in-env"))).isEqualTo("t0ken-in-env");
        assertThat(inEnv).hasToString("env CXQ_TEST_TOKEN");

        String serialized =
                new String(InstantiationUtil.serializeObject(inFile), StandardCharsets.ISO_8859_1);
        assertThat(serialized).contains(file.toAbsolutePath().toString());
        assertThat(serialized).doesNotContain("t0ken-in-file");
    }

    @Test
    void aMissingOrEmptySecretNamesItsLocationOnly() throws Exception {
        Path empty = Files.writeString(dir.resolve("empty"), "\n");
        assertThatThrownBy(() -> SecretRef.file(empty).read(Map.of()))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("no secret in file " + empty.toAbsolutePath());
        assertThatThrownBy(() -> SecretRef.env("CXQ_UNSET").read(Map.of("CXQ_UNSET", " ")))
                .hasMessage("no secret in env CXQ_UNSET");
        assertThatThrownBy(() -> SecretRef.file(dir.resolve("missing")).read(Map.of()))
                .hasMessageStartingWith("cannot read the secret file ");
    }
}
