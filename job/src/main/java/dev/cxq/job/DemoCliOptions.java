package dev.cxq.job;

import dev.cxq.job.demo.DemoRun;
import dev.cxq.job.demo.DemoScript;

import picocli.CommandLine.Option;

import java.time.Duration;

/**
 * Options of {@code --demo}: the topology on a local cluster with the Flink web UI, fed by the
 * built-in generator of scripted sessions instead of files or Kafka (docs/demo.md).
 */
final class DemoCliOptions {

    @Option(
            names = "--demo",
            description =
                    "Run on a local Flink cluster with its web UI, fed by generated sessions with"
                            + " scripted incidents (docs/demo.md); no Kafka or files needed.")
    boolean demo;

    @Option(
            names = "--duration",
            converter = DurationConverter.class,
            description =
                    "Demo: stop (with a savepoint, so every result is committed) after this long;"
                            + " default: run until interrupted.")
    Duration duration;

    @Option(
            names = "--demo-sessions",
            defaultValue = "2000",
            description = "Demo: concurrent sessions, each sending a media sample every 5 s.")
    int sessions;

    @Option(
            names = "--demo-seed",
            defaultValue = "42",
            description = "Demo: seed of the generated sessions.")
    long seed;

    @Option(
            names = "--web-ui-port",
            defaultValue = "8081",
            description = "Demo: port of the Flink web UI and REST API.")
    int webUiPort;

    @Option(
            names = "--summary-interval",
            defaultValue = "5s",
            converter = DurationConverter.class,
            description = "Demo: how often the one-line summary is printed.")
    Duration summaryInterval;

    void validate() {
        if (!demo) {
            if (duration != null) {
                throw new IllegalArgumentException("--duration applies to --demo only");
            }
            return;
        }
        if (duration != null && (duration.isNegative() || duration.isZero())) {
            throw new IllegalArgumentException("--duration must be positive");
        }
        if (sessions < DemoScript.SCRIPTED_SLOTS || sessions > 1_000_000) {
            throw new IllegalArgumentException(
                    "--demo-sessions must be between "
                            + DemoScript.SCRIPTED_SLOTS
                            + " and 1000000, got: "
                            + sessions);
        }
        if (webUiPort < 1 || webUiPort > 65535) {
            throw new IllegalArgumentException(
                    "--web-ui-port must be between 1 and 65535, got: " + webUiPort);
        }
        if (summaryInterval.compareTo(Duration.ofSeconds(1)) < 0) {
            throw new IllegalArgumentException("--summary-interval must be at least 1s");
        }
    }

    DemoRun.Settings settings() {
        return new DemoRun.Settings(seed, sessions, duration, webUiPort, summaryInterval);
    }
}
