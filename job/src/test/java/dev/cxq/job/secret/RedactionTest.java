package dev.cxq.job.secret;

import org.junit.jupiter.api.Test;

import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class RedactionTest {

    @Test
    void aUrlIsShownWithoutItsPathAndQuery() {
        assertThat(Redaction.url(URI.create("https://hooks.example.com/services/T0/B0/s3cr3t")))
                .isEqualTo("https://hooks.example.com/…");
        assertThat(Redaction.url(URI.create("http://127.0.0.1:8080/a?key=s3cr3t")))
                .isEqualTo("http://127.0.0.1:8080/…");
        assertThat(Redaction.url(URI.create("https://alerts.example/")))
                .isEqualTo("https://alerts.example/");
    }

    @Test
    void aPasswordInAJdbcUrlIsFoundAndMasked() {
        String param = "jdbc:postgresql://db:5432/cxq?user=cxq&password=s3cr3t&ssl=true";
        assertThat(Redaction.jdbcUrlHasPassword(param)).isTrue();
        assertThat(Redaction.jdbcUrl(param))
                .isEqualTo("jdbc:postgresql://db:5432/cxq?user=cxq&password=***&ssl=true");

        String sslPassword = "jdbc:postgresql://db/cxq?sslpassword=k3y";
        assertThat(Redaction.jdbcUrlHasPassword(sslPassword)).isTrue();
        assertThat(Redaction.jdbcUrl(sslPassword)).doesNotContain("k3y");

        String userInfo = "jdbc:postgresql://cxq:s3cr3t@db/cxq";
        assertThat(Redaction.jdbcUrlHasPassword(userInfo)).isTrue();
        assertThat(Redaction.jdbcUrl(userInfo)).isEqualTo("jdbc:postgresql://cxq:***@db/cxq");

        String clean = "jdbc:postgresql://db:5432/cxq?user=cxq&ssl=true";
        assertThat(Redaction.jdbcUrlHasPassword(clean)).isFalse();
        assertThat(Redaction.jdbcUrl(clean)).isEqualTo(clean);
    }

    @Test
    void kafkaCredentialsAreMaskedUnlessTheyAreOnlyAVariable() {
        Map<String, String> properties = new LinkedHashMap<>();
        properties.put("security.protocol", "SASL_SSL");
        properties.put("sasl.jaas.config", "PlainLoginModule required password=\"s3cr3t\";");
        properties.put("ssl.truststore.password", "${env:TRUSTSTORE_PASSWORD}");
        properties.put(
                "sasl.oauthbearer.client.credentials.client.secret", "${file:/etc/k.properties:s}");
        properties.put("ssl.key.password", "pre-${env:X}");

        assertThat(Redaction.kafkaProperties(properties))
                .containsExactly(
                        Map.entry("security.protocol", "SASL_SSL"),
                        Map.entry("sasl.jaas.config", Redaction.MASK),
                        Map.entry("ssl.truststore.password", "${env:TRUSTSTORE_PASSWORD}"),
                        Map.entry(
                                "sasl.oauthbearer.client.credentials.client.secret",
                                "${file:/etc/k.properties:s}"),
                        Map.entry("ssl.key.password", Redaction.MASK));
        assertThat(Redaction.isKafkaCredential("sasl.mechanism")).isFalse();
        assertThat(Redaction.hasKafkaVariable("${dir:/run/secrets:jaas}")).isTrue();
        assertThat(Redaction.hasKafkaVariable("password=\"$notavariable\"")).isFalse();
    }
}
