package dev.cxq.job.cli;

import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;
import org.apache.flink.configuration.Configuration;

import picocli.CommandLine.Option;

/**
 * Metric export of runs started from the command line (the local cluster of {@code java -jar}). On
 * a Flink cluster the reporter is configured in the cluster's own configuration instead ({@code
 * k8s/base/flinkdeployment.yaml}, {@code deploy/compose.yaml}); this option does not reach it.
 */
final class MetricsCliOptions {

    static final String PROMETHEUS_FACTORY =
            "org.apache.flink.metrics.prometheus.PrometheusReporterFactory";

    static final ConfigOption<String> PROM_FACTORY_CLASS =
            ConfigOptions.key("metrics.reporter.prom.factory.class").stringType().noDefaultValue();

    static final ConfigOption<String> PROM_PORT =
            ConfigOptions.key("metrics.reporter.prom.port").stringType().noDefaultValue();

    static final String PROMETHEUS_PORT = "--prometheus-port";

    @Config(key = "metrics.prometheus-port", rule = "1 to 65535")
    @Option(
            names = PROMETHEUS_PORT,
            paramLabel = "PORT",
            description =
                    "Serve the job's metrics for Prometheus at http://<host>:PORT/metrics"
                            + " (Flink's Prometheus reporter); off by default.")
    Integer prometheusPort;

    /** Adds the reporter's configuration to {@code conf} when a port was given. */
    void applyTo(Configuration conf) {
        if (prometheusPort != null) {
            conf.set(PROM_FACTORY_CLASS, PROMETHEUS_FACTORY);
            conf.set(PROM_PORT, String.valueOf(prometheusPort));
        }
    }

    void validate(Problems problems) {
        if (prometheusPort != null) {
            problems.between(PROMETHEUS_PORT, prometheusPort, 1, 65535);
        }
    }
}
