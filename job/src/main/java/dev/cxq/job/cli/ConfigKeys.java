package dev.cxq.job.cli;

import picocli.CommandLine.Model.OptionSpec;

import java.lang.reflect.Field;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The configuration model: for every command-line option, its key in the {@code --config} YAML
 * file, its environment variable and its validation rule, read from the option's declaration (its
 * picocli {@code @Option} and its {@link Config} annotation, side by side on one field).
 * Precedence: flag, then environment variable, then config file, then default.
 */
public final class ConfigKeys {

    /**
     * One option's sources.
     *
     * @param flag the option's long name on the command line
     * @param key its key in the config file (nested YAML or dotted), or {@code null} for flag-only
     * @param env its environment variable, or {@code null} for none
     * @param rule the validation rule, as documented
     * @param defaultText the default when it is not the option's declared default, or {@code null}
     */
    public record Entry(String flag, String key, String env, String rule, String defaultText) {}

    /** Secrets: refused in the config file; each is read from its environment variable. */
    static final Map<String, String> SECRET_KEYS = secretKeys();

    /** Every option's entry, in the order of {@code --help}. */
    private static final List<Entry> ALL =
            ConfigReference.options(CxqMain.commandSpec()).stream().map(ConfigKeys::entry).toList();

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

    /** Every option's entry, in the order of {@code --help}. */
    public static List<Entry> all() {
        return ALL;
    }

    /** The entry declared on the field of {@code option}. */
    private static Entry entry(OptionSpec option) {
        String flag = option.longestName();
        Config config =
                option.userObject() instanceof Field field
                        ? field.getAnnotation(Config.class)
                        : null;
        if (config == null) {
            throw new IllegalStateException(flag + " has no @Config annotation");
        }
        String key = config.key().isEmpty() ? null : config.key();
        String env =
                switch (config.env()) {
                    case Config.NO_ENV -> null;
                    case "" -> key == null ? null : env(key);
                    default -> config.env();
                };
        return new Entry(
                flag,
                key,
                env,
                config.rule(),
                config.shownDefault().isEmpty() ? null : config.shownDefault());
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
        secrets.put(
                "metric-sync.client-secret",
                MetricSyncCliOptions.SECRET_ENV + " or metric-sync.client-secret-file");
        return Map.copyOf(secrets);
    }

    private static Map<String, Entry> byFlag() {
        Map<String, Entry> map = new LinkedHashMap<>();
        ALL.forEach(e -> map.put(e.flag(), e));
        return map;
    }
}
