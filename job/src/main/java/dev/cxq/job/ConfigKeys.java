package dev.cxq.job;

import dev.cxq.job.demo.DemoScript;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The configuration model: for every command-line option, its key in the {@code --config} YAML
 * file, its environment variable and its validation rule. The option itself (type, default,
 * meaning) stays declared once, as a picocli {@code @Option}; this table only adds where else its
 * value may come from. Precedence: flag, then environment variable, then config file, then default.
 */
final class ConfigKeys {

    /**
     * One option's sources.
     *
     * @param flag the option's long name on the command line
     * @param key its key in the config file (nested YAML or dotted), or {@code null} for flag-only
     * @param env its environment variable, or {@code null} for flag-only
     * @param rule the validation rule, as documented
     * @param defaultText the default when it is not the option's declared default, or {@code null}
     */
    record Entry(String flag, String key, String env, String rule, String defaultText) {}

    /** Secrets: refused in the config file; each is read from its environment variable. */
    static final Map<String, String> SECRET_KEYS = secretKeys();

    static final List<Entry> ALL =
            List.of(
                    flagOnly("--config", "CXQ_CONFIG", "a readable YAML file"),
                    flagOnly("--check-config", null, "-"),
                    keyed("--input", "input", "an existing file or directory; exactly one input"),
                    keyed("--kafka-bootstrap", "kafka.bootstrap", "exactly one input"),
                    keyed("--kafka-topics", "kafka.topics", "required with kafka.bootstrap"),
                    keyed("--kafka-group-id", "kafka.group-id", "not blank"),
                    keyed(
                            "--starting-offsets",
                            "kafka.starting-offsets",
                            "earliest, latest, committed or timestamp:MILLIS"),
                    keyed("--until", "kafka.until", "latest; needs kafka.bootstrap"),
                    keyed(
                            "--kafka-property",
                            "kafka.properties",
                            "KEY=VALUE pairs; a credential only as ${env:X}, ${file:F:K} or"
                                    + " ${dir:D:F}"),
                    keyed(
                            "--dead-letter-topic",
                            "kafka.dead-letter-topic",
                            "needs kafka.bootstrap"),
                    keyed("--alerts-topic", "kafka.alerts-topic", "needs kafka.bootstrap"),
                    keyed(
                            "--transactional-id-prefix",
                            "kafka.transactional-id-prefix",
                            "not blank"),
                    keyed("--signing-secret-file", "kafka.signing-secret-file", "a readable file"),
                    keyed(
                            "--kafka-allow-unsigned-input",
                            "kafka.allow-unsigned-input",
                            "true or false; needed without a signing secret"),
                    keyed("--signature-header", "kafka.signature-header", "not blank"),
                    keyed("--source-idleness", "events.source-idleness", "positive"),
                    keyed("--jdbc-url", "jdbc.url", "starts with jdbc:postgresql:"),
                    keyed("--jdbc-user", "jdbc.user", "-"),
                    new Entry(
                            "--jdbc-password",
                            null,
                            null,
                            "secret: a local run only; visible in ps; refused on a cluster",
                            null),
                    keyed("--jdbc-password-file", "jdbc.password-file", "a readable file"),
                    new Entry(
                            "--schema",
                            "jdbc.schema",
                            env("jdbc.schema"),
                            "migrate or verify",
                            "migrate locally, verify on a cluster"),
                    flagOnly("--migrate-only", null, "needs jdbc.url; no input"),
                    keyed("--output-dir", "output.dir", "-"),
                    keyed("--metric-version", "output.metric-version", "1 or more"),
                    keyed("--execution-mode", "execution.mode", "batch or streaming"),
                    keyed("--parallelism", "execution.parallelism", "1 or more"),
                    keyed("--max-out-of-orderness", "events.max-out-of-orderness", "not negative"),
                    keyed("--session-timeout", "events.session-timeout", "positive"),
                    keyed("--future-tolerance", "events.future-tolerance", "not negative"),
                    keyed("--reference-now", "events.reference-now", "an ISO-8601 instant"),
                    keyed("--dedup-retention", "events.dedup-retention", "positive"),
                    new Entry(
                            "--dedup-retention-media-samples",
                            "events.dedup-retention-media-samples",
                            env("events.dedup-retention-media-samples"),
                            "positive; not above events.dedup-retention",
                            "events.dedup-retention"),
                    keyed(
                            "--degraded-mos-below",
                            "thresholds.mos",
                            "between 1 and 5; not below thresholds.critical-mos"),
                    keyed(
                            "--degraded-packet-loss-above",
                            "thresholds.packet-loss-pct",
                            "between 0 and 100"),
                    keyed(
                            "--degraded-video-bitrate-below",
                            "thresholds.video-bitrate-kbps",
                            "not negative"),
                    keyed(
                            "--critical-mos-below",
                            "thresholds.critical-mos",
                            "between 1 and 5; not above thresholds.mos"),
                    keyed("--alert-hysteresis", "alerts.hysteresis", "positive"),
                    keyed("--media-gap-after", "alerts.media-gap-after", "positive"),
                    keyed("--webhook-url", "webhook.urls", "http(s) URLs with a host"),
                    keyed("--webhook-token-file", "webhook.token-file", "a readable file"),
                    keyed("--webhook-secret-file", "webhook.secret-file", "a readable file"),
                    keyed(
                            "--webhook-allow-insecure-http",
                            "webhook.allow-insecure-http",
                            "true or false"),
                    new Entry(
                            "--webhook-endpoint",
                            "webhook.endpoints",
                            null,
                            "a list of endpoints (docs/secrets.md)",
                            null),
                    keyed("--webhook-max-attempts", "webhook.max-attempts", "1 or more"),
                    keyed("--webhook-max-backoff", "webhook.max-backoff", "positive"),
                    keyed("--webhook-max-in-flight", "webhook.max-in-flight", "1 or more"),
                    keyed("--webhook-retry-window", "webhook.retry-window", "not negative"),
                    keyed("--webhook-breaker-threshold", "webhook.breaker-threshold", "1 or more"),
                    keyed("--webhook-breaker-open", "webhook.breaker-open", "positive"),
                    keyed("--webhook-fail-job", "webhook.fail-job", "true or false"),
                    keyed("--environment", "webhook.environment", "not blank"),
                    keyed("--checkpoint-interval", "checkpoints.interval", "at least 10ms"),
                    new Entry(
                            "--checkpoint-dir",
                            "checkpoints.dir",
                            env("checkpoints.dir"),
                            "a path or file system URI",
                            "<java.io.tmpdir>/cxq-checkpoints"),
                    keyed("--checkpoints-retained", "checkpoints.retained", "1 or more"),
                    keyed("--restore-from", "checkpoints.restore-from", "-"),
                    keyed("--restart-attempts", "restarts.attempts", "0 or more"),
                    keyed("--restart-initial-delay", "restarts.initial-delay", "not negative"),
                    keyed(
                            "--restart-max-delay",
                            "restarts.max-delay",
                            "at least restarts.initial-delay"),
                    keyed("--prometheus-port", "metrics.prometheus-port", "1 to 65535"),
                    keyed("--demo", "demo.enabled", "exactly one input"),
                    keyed("--duration", "demo.duration", "positive; needs demo.enabled"),
                    keyed(
                            "--demo-sessions",
                            "demo.sessions",
                            DemoScript.SCRIPTED_SLOTS + " to 1000000"),
                    keyed("--demo-seed", "demo.seed", "-"),
                    keyed("--web-ui-port", "demo.web-ui-port", "1 to 65535"),
                    keyed("--summary-interval", "demo.summary-interval", "at least 1s"),
                    keyed("--backfill", "backfill.platform", "genesys or nice; exactly one input"),
                    keyed("--from", "backfill.from", "ISO-8601 instant; before backfill.to"),
                    keyed("--to", "backfill.to", "ISO-8601 instant; after backfill.from"),
                    keyed("--backfill-base-url", "backfill.base-url", "http(s) URL with a host"),
                    keyed("--backfill-token-url", "backfill.token-url", "http(s) URL with a host"),
                    keyed("--backfill-client-id", "backfill.client-id", "not blank"),
                    keyed(
                            "--backfill-client-secret-file",
                            "backfill.client-secret-file",
                            "a readable file; else " + BackfillCliOptions.SECRET_ENV),
                    keyed("--backfill-interval", "backfill.interval", "positive"),
                    keyed(
                            "--backfill-rate-limit",
                            "backfill.rate-limit",
                            "REQUESTS/WINDOW, at least 2 per reader"),
                    keyed("--backfill-page-size", "backfill.page-size", "1 or more"),
                    keyed("--backfill-poll-interval", "backfill.poll-interval", "positive"),
                    keyed("--backfill-max-attempts", "backfill.max-attempts", "1 or more"),
                    keyed("--backfill-max-backoff", "backfill.max-backoff", "positive"),
                    keyed("--metric-sync", "metric-sync.platform", "genesys or nice; runs no job"),
                    keyed("--metric-sync-base-url", "metric-sync.base-url", "http(s) URL"),
                    keyed("--metric-sync-path", "metric-sync.path", "a path"),
                    keyed("--metric-sync-token-url", "metric-sync.token-url", "http(s) URL"),
                    keyed("--metric-sync-client-id", "metric-sync.client-id", "not blank"),
                    keyed(
                            "--metric-sync-client-secret-file",
                            "metric-sync.client-secret-file",
                            "a readable file; else " + MetricSyncCliOptions.SECRET_ENV),
                    keyed("--metric-sync-batch-size", "metric-sync.batch-size", "1 to 100/10000"),
                    keyed("--metric-sync-rate-limit", "metric-sync.rate-limit", "REQUESTS/WINDOW"),
                    keyed("--metric-sync-metric-types", "metric-sync.metric-types", "T1[,T2...]"),
                    keyed("--metric-sync-metric-version", "metric-sync.metric-version", "integer"),
                    keyed("--metric-sync-max-attempts", "metric-sync.max-attempts", "1 or more"),
                    keyed("--metric-sync-max-backoff", "metric-sync.max-backoff", "positive"));

    private static final Map<String, Entry> BY_FLAG = byFlag();

    private ConfigKeys() {}

    static Optional<Entry> forFlag(String flag) {
        return Optional.ofNullable(BY_FLAG.get(flag));
    }

    static Optional<Entry> forKey(String key) {
        return ALL.stream().filter(e -> key.equals(e.key())).findFirst();
    }

    /** {@code CXQ_} and the key in upper case, dots and dashes as underscores. */
    static String env(String key) {
        return "CXQ_" + key.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
    }

    private static Entry keyed(String flag, String key, String rule) {
        return new Entry(flag, key, env(key), rule, null);
    }

    private static Entry flagOnly(String flag, String env, String rule) {
        return new Entry(flag, null, env, rule, null);
    }

    private static Map<String, String> secretKeys() {
        Map<String, String> secrets = new LinkedHashMap<>();
        secrets.put("jdbc.password", "CXQ_JDBC_PASSWORD or jdbc.password-file");
        secrets.put("webhook.token", WebhookCliOptions.TOKEN_ENV + " or webhook.token-file");
        secrets.put("webhook.secret", WebhookCliOptions.SECRET_ENV + " or webhook.secret-file");
        secrets.put("kafka.signing-secret", "CXQ_SIGNING_SECRET or kafka.signing-secret-file");
        secrets.put(
                "backfill.client-secret",
                BackfillCliOptions.SECRET_ENV + " or backfill.client-secret-file");
        return Map.copyOf(secrets);
    }

    private static Map<String, Entry> byFlag() {
        Map<String, Entry> map = new LinkedHashMap<>();
        ALL.forEach(e -> map.put(e.flag(), e));
        return map;
    }
}
