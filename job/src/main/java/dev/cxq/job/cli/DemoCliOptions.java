package dev.cxq.job.cli;

import dev.cxq.job.demo.DemoRun;
import dev.cxq.job.demo.DemoScript;

import picocli.CommandLine.Option;

import java.time.Duration;

/**
 * Options of {@code --demo}: the topology on a local cluster with the Flink web UI, fed by the
 * built-in generator of scripted sessions instead of files or Kafka (docs/demo.md).
 */
final class DemoCliOptions {

    static final String DEMO = "--demo";

    @Config(key = "demo.enabled", rule = "exactly one input")
    @Option(
            names = DEMO,
            description =
                    "Run on a local Flink cluster with its web UI, fed by generated sessions with"
                            + " scripted incidents (docs/demo.md); no Kafka or files needed.")
    boolean demo;

    static final String DURATION = "--duration";

    @Config(key = "demo.duration", rule = "positive; needs demo.enabled")
    @Option(
            names = DURATION,
            converter = DurationConverter.class,
            description =
                    "Demo: stop (with a savepoint, so every result is committed) after this long;"
                            + " default: run until interrupted.")
    Duration duration;

    static final String DEMO_SESSIONS = "--demo-sessions";

    @Config(key = "demo.sessions", rule = DemoScript.SCRIPTED_SLOTS + " to 1000000")
    @Option(
            names = DEMO_SESSIONS,
            defaultValue = "1000",
            description = "Demo: concurrent sessions, each sending a media sample every 5 s.")
    int sessions;

    static final String DEMO_SEED = "--demo-seed";

    @Config(key = "demo.seed", rule = "-")
    @Option(
            names = DEMO_SEED,
            defaultValue = "42",
            description = "Demo: seed of the generated sessions.")
    long seed;

    static final String DEMO_SPEED = "--demo-speed";

    @Config(key = "demo.speed", rule = "1 to 100")
    @Option(
            names = DEMO_SPEED,
            defaultValue = "10",
            description =
                    "Demo: event time runs this many times faster than the wall clock until it"
                            + " catches up with it (after --duration), so KPI windows close.")
    int speed;

    static final String WEB_UI_PORT = "--web-ui-port";

    @Config(key = "demo.web-ui-port", rule = "1 to 65535")
    @Option(
            names = WEB_UI_PORT,
            defaultValue = "8081",
            description = "Demo: port of the Flink web UI and REST API.")
    int webUiPort;

    static final String SUMMARY_INTERVAL = "--summary-interval";

    @Config(key = "demo.summary-interval", rule = "at least 1s")
    @Option(
            names = SUMMARY_INTERVAL,
            defaultValue = "5s",
            converter = DurationConverter.class,
            description = "Demo: how often the one-line summary is printed.")
    Duration summaryInterval;

    DemoRun.Settings settings() {
        return new DemoRun.Settings(seed, sessions, speed, duration, webUiPort, summaryInterval);
    }

    void validate(Problems problems) {
        if (!demo) {
            if (duration != null) {
                problems.add(
                        problems.name(DURATION) + " applies to " + problems.name(DEMO) + " only");
            }
            return;
        }
        if (duration != null) {
            problems.positive(DURATION, duration);
        }
        problems.between(DEMO_SESSIONS, sessions, DemoScript.SCRIPTED_SLOTS, 1_000_000);
        problems.between(DEMO_SPEED, speed, 1, 100);
        problems.between(WEB_UI_PORT, webUiPort, 1, 65535);
        if (summaryInterval.compareTo(Duration.ofSeconds(1)) < 0) {
            problems.add(
                    problems.name(SUMMARY_INTERVAL) + " must be at least 1s: " + summaryInterval);
        }
    }
}
