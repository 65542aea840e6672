package dev.cxq.job.cli;

import dev.cxq.udf.internal.Hashing;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/**
 * Every configuration error, one at a time: from a flag, an environment variable or the config
 * file, each ends the run with exit code 2 and exactly one message that names what the user wrote.
 * In the cases, {@code {input}} is an existing input file, {@code {dir}} a temporary directory and
 * {@code {config}} the config file written from the case's YAML.
 */
public class ConfigurationErrorsTest {

    @TempDir Path dir;

    public record Outcome(int exitCode, String stdout, List<String> errors) {}

    public static Outcome run(Map<String, String> env, String... args) {
        PrintStream originalErr = System.err;
        PrintStream originalOut = System.out;
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        try {
            int code = CxqMain.run(env, args);
            List<String> errors =
                    err.toString(StandardCharsets.UTF_8)
                            .lines()
                            .filter(line -> line.startsWith("cxq: "))
                            .map(line -> line.substring("cxq: ".length()))
                            .toList();
            return new Outcome(code, out.toString(StandardCharsets.UTF_8), errors);
        } finally {
            System.setErr(originalErr);
            System.setOut(originalOut);
        }
    }

    static Stream<Arguments> errors() {
        String kafka =
                "--kafka-bootstrap localhost:9092 --kafka-topics t --kafka-allow-unsigned-input";
        String plainHook = "http://a.example/hook/s3cr3t";
        String metricSync =
                "--jdbc-url jdbc:postgresql://127.0.0.1:5432/cxq --metric-sync genesys"
                        + " --metric-sync-base-url https://api.example"
                        + " --metric-sync-token-url https://login.example/oauth/token"
                        + " --metric-sync-client-id cxq";
        return Stream.of(
                // inputs
                flags(
                        "--parallelism 2",
                        "give exactly one input: --input FILE_OR_DIR, --kafka-bootstrap HOST:PORT or"
                                + " --demo (config key input, kafka.bootstrap or demo.enabled)"),
                flags(
                        "--input {input} --demo",
                        "--input and --demo are both set: give exactly one input"),
                flags(
                        "--input {input} " + kafka,
                        "--input and --kafka-bootstrap are both set: give exactly one input"),
                of(
                        "input: {input}",
                        Map.of(
                                "CXQ_KAFKA_BOOTSTRAP",
                                "localhost:9092",
                                "CXQ_KAFKA_ALLOW_UNSIGNED_INPUT",
                                "true"),
                        "--kafka-topics t",
                        "input and CXQ_KAFKA_BOOTSTRAP are both set: give exactly one input"),
                flags("--input {dir}/missing.jsonl", "--input does not exist: {dir}/missing.jsonl"),
                flags(
                        "--kafka-bootstrap localhost:9092 --kafka-allow-unsigned-input",
                        "--kafka-bootstrap needs --kafka-topics T1[,T2...]"),
                flags("--input {input} --kafka-topics t", "--kafka-topics needs --kafka-bootstrap"),
                file("kafka: {alerts-topic: alerts}", "kafka.alerts-topic needs --kafka-bootstrap"),
                flags("--input {input} --until latest", "--until needs --kafka-bootstrap"),
                flags(
                        kafka + " --starting-offsets timestamp:soon",
                        "--starting-offsets must be earliest, latest, committed or"
                                + " timestamp:MILLIS: timestamp:soon"),
                flags(kafka + " --until tomorrow", "--until accepts only latest: tomorrow"),
                flags(kafka + " --kafka-group-id=", "--kafka-group-id must not be blank"),
                flags(
                        kafka + " --signing-secret-file {dir}/missing",
                        "--signing-secret-file is not a readable file: {dir}/missing"),
                // secrets of the Kafka input
                flags(
                        "--kafka-bootstrap localhost:9092 --kafka-topics t",
                        "--kafka-bootstrap reads signed input: give --signing-secret-file or"
                                + " CXQ_SIGNING_SECRET, or --kafka-allow-unsigned-input to accept"
                                + " records without a checked signature"),
                flags(
                        kafka
                                + " --kafka-property sasl.jaas.config=PlainLoginModule\\u0020"
                                + "required\\u0020password=\"hunter2\";",
                        "--kafka-property sasl.jaas.config holds a credential: give it as a config"
                                + " provider variable, ${env:VARIABLE}, ${file:FILE:KEY} or"
                                + " ${dir:DIRECTORY:FILE}, read by the Kafka client on the task"
                                + " managers"),
                flags(
                        "--input {input} --source-idleness 0s",
                        "--source-idleness must be positive: PT0S"),
                // output and execution
                flags(
                        "--input {input} --jdbc-url jdbc:mysql://localhost/x",
                        "--jdbc-url must be a PostgreSQL JDBC URL (jdbc:postgresql://host:port/db):"
                                + " jdbc:mysql://localhost/x"),
                file(
                        "jdbc: {url: 'postgres://db/cxq'}",
                        "jdbc.url must be a PostgreSQL JDBC URL (jdbc:postgresql://host:port/db):"
                                + " postgres://db/cxq"),
                flags(
                        "--input {input} --jdbc-url"
                                + " jdbc:postgresql://db/cxq?user=cxq&password=hunter2&ssl=true",
                        "--jdbc-url must not hold a password (it would show in the Flink UI and"
                                + " logs): give it in CXQ_JDBC_PASSWORD or --jdbc-password-file:"
                                + " jdbc:postgresql://db/cxq?user=cxq&password=***&ssl=true"),
                flags(
                        "--input {input} --jdbc-password-file {dir}/missing",
                        "--jdbc-password-file is not a readable file: {dir}/missing"),
                flags(
                        "--input {input} --metric-version 0",
                        "--metric-version must be 1 or more: 0"),
                flags(
                        "--input {input} --execution-mode turbo",
                        "--execution-mode must be batch or streaming: turbo"),
                flags("--input {input} --parallelism 0", "--parallelism must be 1 or more: 0"),
                file("execution: {parallelism: 0}", "execution.parallelism must be 1 or more: 0"),
                env(
                        "CXQ_EXECUTION_PARALLELISM",
                        "-1",
                        "CXQ_EXECUTION_PARALLELISM must be 1 or more: -1"),
                // event time
                flags(
                        "--input {input} --max-out-of-orderness PT-1S",
                        "--max-out-of-orderness must not be negative: PT-1S"),
                flags(
                        "--input {input} --session-timeout 0s",
                        "--session-timeout must be positive: PT0S"),
                file(
                        "events: {dedup-retention: PT-48H}",
                        "events.dedup-retention must be positive: PT-48H"),
                flags(
                        "--input {input} --dedup-retention-media-samples 49h",
                        "--dedup-retention-media-samples must not be above --dedup-retention"
                                + " (PT48H): PT49H"),
                env(
                        "CXQ_EVENTS_DEDUP_RETENTION_MEDIA_SAMPLES",
                        "0s",
                        "CXQ_EVENTS_DEDUP_RETENTION_MEDIA_SAMPLES must be positive: PT0S"),
                // quality thresholds and alerts
                file("thresholds: {mos: 7.2}", "thresholds.mos must be between 1 and 5: 7.2"),
                flags(
                        "--input {input} --degraded-mos-below 5.5",
                        "--degraded-mos-below must be between 1 and 5: 5.5"),
                env(
                        "CXQ_THRESHOLDS_CRITICAL_MOS",
                        "0.5",
                        "CXQ_THRESHOLDS_CRITICAL_MOS must be between 1 and 5: 0.5"),
                flags(
                        "--input {input} --critical-mos-below 4.0",
                        "--critical-mos-below must not be above --degraded-mos-below: 4.0 > 3.5"),
                file(
                        "thresholds: {packet-loss-pct: 120}",
                        "thresholds.packet-loss-pct must be between 0 and 100: 120.0"),
                flags(
                        "--input {input} --degraded-video-bitrate-below -1",
                        "--degraded-video-bitrate-below must not be negative: -1.0"),
                file("alerts: {hysteresis: 0s}", "alerts.hysteresis must be positive: PT0S"),
                flags(
                        "--input {input} --alert-hysteresis PT-5S",
                        "--alert-hysteresis must be positive: PT-5S"),
                flags(
                        "--input {input} --media-gap-after 0s",
                        "--media-gap-after must be positive: PT0S"),
                // pipeline status
                flags(
                        "--input {input} --pipeline-status-burst-factor 1",
                        "--pipeline-status-burst-factor must be above 1: 1.0"),
                file(
                        "pipeline-status: {lag-threshold: 0s}",
                        "pipeline-status.lag-threshold must be positive: PT0S"),
                env(
                        "CXQ_PIPELINE_STATUS_FORGET_AFTER",
                        "PT-1M",
                        "CXQ_PIPELINE_STATUS_FORGET_AFTER must be positive: PT-1M"),
                // webhooks
                flags("--input {input} --webhook-url foo", "--webhook-url not a URL: foo"),
                flags(
                        "--input {input} --webhook-url not\\u0020a\\u0020url",
                        "--webhook-url not a URL: not a url"),
                file(
                        "webhook: {urls: ['https://ok.example/a', 'ftp://host/x']}",
                        "webhook.urls not an http(s) URL: ftp://host/x"),
                // webhook secrets
                of(
                        null,
                        Map.of("CXQ_WEBHOOK_TOKEN", "t0ken"),
                        "--input {input} --webhook-url https://a.example/x --webhook-url"
                                + " https://b.example/y",
                        "a bearer token or signing secret belongs to one endpoint: with several"
                                + " --webhook-url, give each endpoint its own in --webhook-endpoint"
                                + " (config key webhook.endpoints)"),
                of(
                        null,
                        Map.of("CXQ_WEBHOOK_TOKEN", "t0ken"),
                        "--input {input} --webhook-url " + plainHook,
                        "webhook endpoint "
                                + Hashing.sha256Hex(plainHook).substring(0, 12)
                                + " (http://a.example/…): a bearer token is not sent over plain"
                                + " http; use https, or allow-insecure-http for a trusted network"),
                flags(
                        "--input {input} --webhook-endpoint name=pager,url=https://a.example/x,token=t0ken",
                        "--webhook-endpoint token is a secret and is not given inline; use"
                                + " token-file or token-env"),
                of(
                        null,
                        Map.of("PAGER_SECRET", "not-base64!"),
                        "--input {input} --webhook-endpoint"
                                + " name=pager,url=https://a.example/x,secret-env=PAGER_SECRET",
                        "webhook endpoint pager (https://a.example/…): the signing secret in env"
                                + " PAGER_SECRET is not a Standard Webhooks secret: whsec_ and the"
                                + " base64 of 24 to 64 random bytes (e.g. whsec_$(openssl rand"
                                + " -base64 32))"),
                flags(
                        "--input {input} --webhook-endpoint name=pager,url-env=PAGER_URL",
                        "--webhook-endpoint: no secret in env PAGER_URL"),
                file(
                        "webhook:\n  endpoints:\n    - {name: a, url: 'https://a.example/x',"
                                + " token-env: A_TOKEN}",
                        "webhook endpoint a (https://a.example/…): no secret in env A_TOKEN"),
                flags(
                        "--input {input} --webhook-token-file {dir}/missing",
                        "--webhook-token-file is not a readable file: {dir}/missing"),
                flags(
                        "--input {input} --webhook-secret-file {dir}/missing",
                        "--webhook-secret-file is not a readable file: {dir}/missing"),
                flags(
                        "--deliver --output-dir {dir}",
                        "--deliver needs an endpoint: --webhook-url or --webhook-endpoint"),
                flags(
                        "--input {input} --webhook-url http://h.example/a --deliver",
                        "--deliver runs no job: drop --input"),
                flags(
                        "--input {input} --deliver-until-drained",
                        "--deliver-until-drained needs --deliver"),
                flags(
                        "--input {input} --webhook-max-backoff 0s",
                        "--webhook-max-backoff must be positive: PT0S"),
                file(
                        "webhook: {breaker-threshold: 0}",
                        "webhook.breaker-threshold must be 1 or more: 0"),
                file("webhook: {environment: ''}", "webhook.environment must not be blank"),
                env(
                        "CXQ_WEBHOOK_ALLOW_INSECURE_HTTP",
                        "maybe",
                        "CXQ_WEBHOOK_ALLOW_INSECURE_HTTP must be true or false: maybe"),
                // checkpoints and restarts
                flags(
                        "--input {input} --checkpoint-interval 5ms",
                        "--checkpoint-interval must be at least 10ms: PT0.005S"),
                file("checkpoints: {retained: 0}", "checkpoints.retained must be 1 or more: 0"),
                flags(
                        "--input {input} --restart-attempts -1",
                        "--restart-attempts must be 0 or more: -1"),
                flags(
                        "--input {input} --restart-initial-delay PT-1S",
                        "--restart-initial-delay must not be negative: PT-1S"),
                file(
                        "restarts: {initial-delay: 10s, max-delay: 5s}",
                        "restarts.max-delay must be at least restarts.initial-delay: PT5S < PT10S"),
                // the file itself
                file(
                        "thresholds: {mo: 3.0}",
                        "unknown key thresholds.mo in config file {config}; did you mean"
                                + " thresholds.mos?"),
                file(
                        "threshold:\n  mos: 3.0",
                        "unknown key threshold.mos in config file {config}; did you mean"
                                + " thresholds.mos?"),
                file("colour: blue", "unknown key colour in config file {config}"),
                file(
                        "jdbc: {password: hunter2}",
                        "jdbc.password is a secret and is not read from the config file {config};"
                                + " use CXQ_JDBC_PASSWORD or jdbc.password-file"),
                file(
                        "webhook.token: abc",
                        "webhook.token is a secret and is not read from the config file {config};"
                                + " use CXQ_WEBHOOK_TOKEN or webhook.token-file"),
                file(
                        "execution: {parallelism: many}",
                        "Invalid value for execution.parallelism: 'many' is not an int"),
                env(
                        "CXQ_ALERTS_HYSTERESIS",
                        "soon",
                        "Invalid value for CXQ_ALERTS_HYSTERESIS: not a duration: 'soon' (use e.g."
                                + " 10s, 30m, 4h or PT10S)"),
                file("jdbc: {url: [a, b]}", "jdbc.url must be a single value, not a list"),
                file("webhook: {urls: {a: b}}", "webhook.urls must be a list of values"),
                file(
                        "kafka: {properties: [a]}",
                        "kafka.properties must be a mapping of names to values"),
                file("- a\n- b", "config file {config} must be a mapping of keys to values"),
                file(
                        "thresholds: {mos: 3.3}\nthresholds.mos: 3.4",
                        "thresholds.mos is set twice in config file {config}"),
                file(
                        "thresholds:\n  mos: 3.0\n  mos: 3.1",
                        "config file {config} is not valid YAML: "),
                file("thresholds: {mos: [}", "config file {config} is not valid YAML: "),
                of(
                        null,
                        Map.of("CXQ_CONFIG", "{dir}/nope.yaml"),
                        "--input {input}",
                        "config file {dir}/nope.yaml cannot be read"),
                flags(
                        "--input {input} --webhook-breaker-threshold 0",
                        "--webhook-breaker-threshold must be 1 or more: 0"),
                flags(
                        "--input {input} --webhook-breaker-open 0s",
                        "--webhook-breaker-open must be positive: PT0S"),
                file(
                        "events: {future-tolerance: PT-1S}",
                        "events.future-tolerance must not be negative: PT-1S"),
                // metrics and demo
                flags(
                        "--input {input} --prometheus-port 70000",
                        "--prometheus-port must be between 1 and 65535: 70000"),
                flags("--input {input} --duration 45s", "--duration applies to --demo only"),
                of(
                        "demo: {enabled: true, duration: 0s}",
                        Map.of(),
                        "--demo-seed 7",
                        "demo.duration must be positive: PT0S"),
                flags(
                        "--demo --demo-sessions 5",
                        "--demo-sessions must be between 13 and 1000000: 5"),
                flags("--demo --web-ui-port 0", "--web-ui-port must be between 1 and 65535: 0"),
                of(
                        null,
                        Map.of("CXQ_DEMO_SUMMARY_INTERVAL", "100ms"),
                        "--demo",
                        "CXQ_DEMO_SUMMARY_INTERVAL must be at least 1s: PT0.1S"),
                // metric sync: a run of its own, within the platform's batch limit
                of(
                        null,
                        Map.of("CXQ_METRIC_SYNC_CLIENT_SECRET", "s"),
                        metricSync + " --input {input}",
                        "--metric-sync runs no job: drop --input"),
                of(
                        null,
                        Map.of("CXQ_METRIC_SYNC_CLIENT_SECRET", "s"),
                        metricSync + " --metric-sync-batch-size 101",
                        "--metric-sync-batch-size must be 1 to 100 for genesys: 101"),
                of(
                        null,
                        Map.of("CXQ_METRIC_SYNC_CLIENT_SECRET", "s"),
                        metricSync.replace("--jdbc-url jdbc:postgresql://127.0.0.1:5432/cxq ", ""),
                        "--metric-sync reads the metric store: give --jdbc-url"));
    }

    @ParameterizedTest(name = "{3}")
    @MethodSource("errors")
    void eachErrorIsReportedAloneWithExitCode2(
            String yaml, Map<String, String> env, String args, String expected) throws IOException {
        Path input = Files.writeString(dir.resolve("e.jsonl"), "{}\n");
        Path config = dir.resolve("cxq.yaml");
        Map<String, String> environment = new java.util.HashMap<>();
        env.forEach((k, v) -> environment.put(k, expand(v, input, config)));
        List<String> argv = new ArrayList<>();
        for (String arg : args.split(" ")) {
            argv.add(expand(arg, input, config).replace("\\u0020", " "));
        }
        if (yaml != null) {
            Files.writeString(config, expand(yaml, input, config));
            argv.add("--config");
            argv.add(config.toString());
        }

        Outcome outcome = run(environment, argv.toArray(String[]::new));

        assertThat(outcome.exitCode()).isEqualTo(CxqMain.EXIT_BAD_ARGUMENTS);
        String message = expand(expected, input, config);
        if (message.contains("is not valid YAML")) {
            assertThat(outcome.errors()).singleElement().asString().startsWith(message);
        } else {
            assertThat(outcome.errors()).containsExactly(message);
        }
    }

    @Test
    void allErrorsAreReportedTogether() throws IOException {
        Path config =
                Files.writeString(
                        dir.resolve("cxq.yaml"), "thresholds: {mos: 7.2}\nexecution: {mode: x}\n");
        Outcome outcome =
                run(
                        Map.of("CXQ_WEBHOOK_BREAKER_THRESHOLD", "0"),
                        "--config",
                        config.toString(),
                        "--parallelism",
                        "0",
                        "--webhook-url",
                        "foo");
        assertThat(outcome.exitCode()).isEqualTo(CxqMain.EXIT_BAD_ARGUMENTS);
        assertThat(outcome.errors())
                .contains(
                        "give exactly one input: --input FILE_OR_DIR, --kafka-bootstrap HOST:PORT or"
                                + " --demo (config key input, kafka.bootstrap or demo.enabled)",
                        "execution.mode must be batch or streaming: x",
                        "--parallelism must be 1 or more: 0",
                        "thresholds.mos must be between 1 and 5: 7.2",
                        "--webhook-url not a URL: foo",
                        "CXQ_WEBHOOK_BREAKER_THRESHOLD must be 1 or more: 0")
                .hasSize(6);
    }

    private static String expand(String text, Path input, Path config) {
        return text.replace("{input}", input.toString())
                .replace("{dir}", input.getParent().toString())
                .replace("{config}", config.toString());
    }

    private static Arguments of(String yaml, Map<String, String> env, String args, String message) {
        return arguments(yaml, env, args, message);
    }

    private static Arguments flags(String args, String message) {
        return of(null, Map.of(), args, message);
    }

    private static Arguments file(String yaml, String message) {
        return of(yaml, Map.of(), "--input {input}", message);
    }

    private static Arguments env(String variable, String value, String message) {
        return of(null, Map.of(variable, value), "--input {input}", message);
    }
}
