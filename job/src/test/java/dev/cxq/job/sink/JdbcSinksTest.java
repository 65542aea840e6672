package dev.cxq.job.sink;

import org.junit.jupiter.api.Test;
import org.postgresql.Driver;

import java.util.Properties;

import static org.assertj.core.api.Assertions.assertThat;

class JdbcSinksTest {

    private static Properties driverProperties() {
        Properties properties = new Properties();
        properties.putAll(JdbcSinks.DRIVER_TIMEOUTS);
        return properties;
    }

    @Test
    void theDriverTimeoutsApplyWhenTheUrlSetsNone() {
        Properties parsed = Driver.parseURL("jdbc:postgresql://db:5432/cxq", driverProperties());

        assertThat(parsed.getProperty("socketTimeout")).isEqualTo("30");
        assertThat(parsed.getProperty("connectTimeout")).isEqualTo("10");
        assertThat(parsed.getProperty("tcpKeepAlive")).isEqualTo("true");
    }

    @Test
    void aTimeoutInTheUrlTakesPrecedence() {
        Properties parsed =
                Driver.parseURL(
                        "jdbc:postgresql://db:5432/cxq?socketTimeout=120&tcpKeepAlive=false",
                        driverProperties());

        assertThat(parsed.getProperty("socketTimeout")).isEqualTo("120");
        assertThat(parsed.getProperty("tcpKeepAlive")).isEqualTo("false");
        assertThat(parsed.getProperty("connectTimeout")).isEqualTo("10");
    }
}
