package dev.cxq.job.db;

import dev.cxq.job.secret.SecretRef;

import org.apache.flink.util.InstantiationUtil;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postgresql.Driver;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;

import static org.assertj.core.api.Assertions.assertThat;

class PostgresConnectionTest {

    @TempDir Path dir;

    /** The properties the driver connects with: the URL's parameters over the settings. */
    private static Properties parsedBy(String url) {
        Properties defaults = new Properties();
        defaults.putAll(PostgresConnection.of(url, "cxq", null).driverSettings());
        return Driver.parseURL(url, defaults);
    }

    @Test
    void theDriverTimeoutsApplyUnlessTheUrlSetsThem() {
        String plain = "jdbc:postgresql://db:5432/cxq";
        String tuned = plain + "?socketTimeout=120&tcpKeepAlive=false";

        assertThat(parsedBy(plain))
                .containsEntry("connectTimeout", "10")
                .containsEntry("socketTimeout", "30")
                .containsEntry("loginTimeout", "20")
                .containsEntry("tcpKeepAlive", "true");
        assertThat(parsedBy(tuned))
                .containsEntry("connectTimeout", "10")
                .containsEntry("socketTimeout", "120")
                .containsEntry("tcpKeepAlive", "false");
    }

    @Test
    void withoutASocketTimeoutTheOtherTimeoutsStay() {
        PostgresConnection migrations =
                PostgresConnection.of("jdbc:postgresql://db/cxq", "cxq", null)
                        .withSocketTimeout(Duration.ZERO);

        assertThat(migrations.driverSettings())
                .containsEntry("socketTimeout", "0")
                .containsEntry("connectTimeout", "10")
                .containsEntry("loginTimeout", "20");
    }

    @Test
    void thePasswordIsReadWhenConnectingAndNeverSerialized() throws Exception {
        Path file = Files.writeString(dir.resolve("pw"), "conn-s3cret\n");
        PostgresConnection connection =
                PostgresConnection.of("jdbc:postgresql://db/cxq", "cxq", SecretRef.file(file));

        byte[] serialized = InstantiationUtil.serializeObject(connection);
        assertThat(new String(serialized, StandardCharsets.ISO_8859_1))
                .doesNotContain("conn-s3cret");
        PostgresConnection copy =
                InstantiationUtil.deserializeObject(serialized, getClass().getClassLoader());
        assertThat(copy).isEqualTo(connection);
        assertThat(copy.password(Map.of())).isEqualTo("conn-s3cret");

        Files.writeString(file, "rotated\n");
        assertThat(copy.password(Map.of())).isEqualTo("rotated");
    }

    @Test
    void thePasswordIsReadWithTheEnvironmentGiven() {
        PostgresConnection connection =
                PostgresConnection.of(
                        "jdbc:postgresql://db/cxq", "cxq", SecretRef.env("CXQ_TEST_DB_PASSWORD"));

        assertThat(connection.password(Map.of("CXQ_TEST_DB_PASSWORD", " given ")))
                .isEqualTo("given");
        assertThat(PostgresConnection.of("jdbc:postgresql://db/cxq", null, null).password(Map.of()))
                .isNull();
    }
}
