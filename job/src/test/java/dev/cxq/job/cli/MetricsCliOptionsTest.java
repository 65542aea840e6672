package dev.cxq.job.cli;

import org.apache.flink.api.common.RuntimeExecutionMode;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.metrics.prometheus.PrometheusReporterFactory;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code --prometheus-port} becomes Flink's Prometheus reporter configuration, and only then. */
class MetricsCliOptionsTest {

    private static CxqMain parse(String... args) {
        CxqMain main = new CxqMain();
        new CommandLine(main).parseArgs(args);
        return main;
    }

    @Test
    void noReporterByDefault() {
        Configuration conf =
                parse("--input", "x.jsonl").flinkConfiguration(RuntimeExecutionMode.BATCH);

        assertThat(conf.contains(MetricsCliOptions.PROM_FACTORY_CLASS)).isFalse();
        assertThat(conf.contains(MetricsCliOptions.PROM_PORT)).isFalse();
    }

    @Test
    void portConfiguresThePrometheusReporterInBothModes() throws Exception {
        for (RuntimeExecutionMode mode : RuntimeExecutionMode.values()) {
            Configuration conf =
                    parse("--input", "x.jsonl", "--prometheus-port", "9400")
                            .flinkConfiguration(mode);

            // The factory named is on the classpath of the jar's local cluster.
            assertThat(Class.forName(conf.get(MetricsCliOptions.PROM_FACTORY_CLASS)))
                    .isEqualTo(PrometheusReporterFactory.class);
            assertThat(conf.get(MetricsCliOptions.PROM_PORT)).isEqualTo("9400");
        }
    }
}
