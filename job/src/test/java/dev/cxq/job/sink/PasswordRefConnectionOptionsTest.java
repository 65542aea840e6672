package dev.cxq.job.sink;

import dev.cxq.job.secret.SecretRef;

import org.apache.flink.util.InstantiationUtil;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;

import static org.assertj.core.api.Assertions.assertThat;

class PasswordRefConnectionOptionsTest {

    @TempDir Path dir;

    @Test
    void thePasswordIsReadWhenConnectingAndNeverSerialized() throws Exception {
        Path file = Files.writeString(dir.resolve("pw"), "conn-s3cret\n");
        PasswordRefConnectionOptions options =
                new PasswordRefConnectionOptions(
                        "jdbc:postgresql://db/cxq",
                        "cxq",
                        SecretRef.file(file),
                        5,
                        JdbcSinks.DRIVER_TIMEOUTS);

        PasswordRefConnectionOptions copy =
                InstantiationUtil.clone(options, getClass().getClassLoader());
        Properties connect = copy.getProperties();
        assertThat(connect.getProperty("user")).isEqualTo("cxq");
        assertThat(connect.getProperty("password")).isEqualTo("conn-s3cret");
        assertThat(connect.getProperty("socketTimeout")).isEqualTo("30");
        assertThat(
                        new String(
                                InstantiationUtil.serializeObject(options),
                                StandardCharsets.ISO_8859_1))
                .doesNotContain("conn-s3cret");

        Files.writeString(file, "rotated\n");
        assertThat(copy.getPassword()).contains("rotated");
    }
}
