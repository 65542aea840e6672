package dev.cxq.job.cli;

import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.IGetter;
import picocli.CommandLine.Model.ISetter;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParseResult;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Fills the options not given on the command line from their environment variable, else from the
 * {@code --config} YAML file; what is in neither keeps its default. Values are converted by the
 * option's own picocli converter, so a flag, a variable and a file entry accept the same text.
 * Every problem is collected, named by the key or variable the user wrote.
 */
final class ConfigSources {

    /** Where an option's value came from. */
    enum Source {
        FLAG,
        ENV,
        FILE,
        DEFAULT
    }

    /**
     * The origin of one option's value.
     *
     * @param source where it came from
     * @param name what the user wrote: the flag, the environment variable or the config key
     */
    record Origin(Source source, String name) {}

    /** The origins of all options, by flag; the name to use in a message about an option. */
    static final class Origins {
        private final Map<String, Origin> byFlag = new HashMap<>();

        void put(String flag, Origin origin) {
            byFlag.put(flag, origin);
        }

        Origin of(String flag) {
            return byFlag.getOrDefault(flag, new Origin(Source.DEFAULT, flag));
        }

        /** The name the user wrote for this option (its flag when it was not set). */
        String name(String flag) {
            return of(flag).name();
        }

        boolean isSet(String flag) {
            return of(flag).source() != Source.DEFAULT;
        }
    }

    private ConfigSources() {}

    /**
     * Applies the environment and the config file to the options of {@code parsed} that were not
     * given on its command line; appends every problem to {@code errors}.
     */
    static Origins apply(
            ParseResult parsed, Map<String, String> env, Path configFile, List<String> errors) {
        Map<String, JsonNode> file = configFile == null ? Map.of() : readFile(configFile, errors);
        Origins origins = new Origins();
        for (OptionSpec option : parsed.commandSpec().options()) {
            String flag = option.longestName();
            if (parsed.hasMatchedOption(option)) {
                origins.put(flag, new Origin(Source.FLAG, flag));
                continue;
            }
            ConfigKeys.Entry entry = ConfigKeys.forFlag(flag).orElse(null);
            if (entry == null) {
                continue;
            }
            String fromEnv = entry.env() == null ? null : env.get(entry.env());
            if (fromEnv != null && !fromEnv.isEmpty()) {
                Origin origin = new Origin(Source.ENV, entry.env());
                List<String> values =
                        option.isMultiValue()
                                ? Arrays.stream(fromEnv.split(",")).map(String::trim).toList()
                                : List.of(fromEnv);
                if (set(option, values, origin, errors)) {
                    origins.put(flag, origin);
                }
            } else if (entry.key() != null && file.get(entry.key()) != null) {
                Origin origin = new Origin(Source.FILE, entry.key());
                List<String> values =
                        fileValues(option, file.get(entry.key()), entry.key(), errors);
                if (values != null && set(option, values, origin, errors)) {
                    origins.put(flag, origin);
                }
            }
        }
        return origins;
    }

    /** The {@code --config} file, from the flag or else {@code CXQ_CONFIG}. */
    static Path configFile(Path fromFlag, Map<String, String> env) {
        if (fromFlag != null) {
            return fromFlag;
        }
        String fromEnv = env.get("CXQ_CONFIG");
        return fromEnv == null || fromEnv.isEmpty() ? null : Path.of(fromEnv);
    }

    /** The file's entries by dotted key; unknown keys and secrets are reported. */
    static Map<String, JsonNode> readFile(Path configFile, List<String> errors) {
        JsonNode root;
        try {
            YAMLFactory yaml =
                    YAMLFactory.builder()
                            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                            // A key without a value (`jdbc.url:`) keeps its default.
                            .enable(YAMLParser.Feature.EMPTY_STRING_AS_NULL)
                            .build();
            root = new ObjectMapper(yaml).readTree(Files.readAllBytes(configFile));
        } catch (IOException e) {
            errors.add(
                    "config file "
                            + configFile
                            + (Files.isRegularFile(configFile) && Files.isReadable(configFile)
                                    ? " is not valid YAML: " + firstLine(e.getMessage())
                                    : " cannot be read"));
            return Map.of();
        }
        Map<String, JsonNode> entries = new LinkedHashMap<>();
        if (root == null || root.isMissingNode() || root.isNull()) {
            return entries;
        }
        if (!root.isObject()) {
            errors.add("config file " + configFile + " must be a mapping of keys to values");
            return entries;
        }
        flatten("", root, entries, configFile, errors);
        entries.keySet()
                .removeIf(
                        key -> {
                            if (ConfigKeys.SECRET_KEYS.containsKey(key)) {
                                errors.add(
                                        key
                                                + " is a secret and is not read from the config"
                                                + " file "
                                                + configFile
                                                + "; use "
                                                + ConfigKeys.SECRET_KEYS.get(key));
                                return true;
                            }
                            if (ConfigKeys.forKey(key).isEmpty()) {
                                errors.add(
                                        "unknown key "
                                                + key
                                                + " in config file "
                                                + configFile
                                                + suggestion(key));
                                return true;
                            }
                            return false;
                        });
        return entries;
    }

    /**
     * Nested mappings become dotted keys ({@code thresholds: {mos: 3}} is {@code thresholds.mos});
     * a mapping under a known key (such as {@code kafka.properties}) stays that key's value.
     */
    private static void flatten(
            String prefix,
            JsonNode node,
            Map<String, JsonNode> into,
            Path configFile,
            List<String> errors) {
        Iterator<Map.Entry<String, JsonNode>> fields = node.fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> field = fields.next();
            String key = prefix + field.getKey();
            JsonNode value = field.getValue();
            boolean known = ConfigKeys.forKey(key).isPresent();
            if (value.isObject() && !known) {
                flatten(key + ".", value, into, configFile, errors);
            } else if (value.isNull() && !known && isSection(key)) {
                // A section whose entries are all commented out.
                continue;
            } else if (into.put(key, value) != null) {
                errors.add(key + " is set twice in config file " + configFile);
            }
        }
    }

    private static boolean isSection(String prefix) {
        return ConfigKeys.all().stream()
                .anyMatch(e -> e.key() != null && e.key().startsWith(prefix + "."));
    }

    private static List<String> fileValues(
            OptionSpec option, JsonNode node, String key, List<String> errors) {
        if (node.isNull()) {
            return null;
        }
        List<String> values = new ArrayList<>();
        if (option.typeInfo().isMap()) {
            if (!node.isObject()) {
                errors.add(key + " must be a mapping of names to values");
                return null;
            }
            node.fields()
                    .forEachRemaining(f -> values.add(f.getKey() + "=" + f.getValue().asText()));
        } else if (option.isMultiValue()) {
            if (node.isArray()) {
                // A mapping in a list (an entry of webhook.endpoints) is its KEY=VALUE,... form.
                node.forEach(
                        element ->
                                values.add(
                                        element.isObject() ? inline(element) : element.asText()));
            } else if (node.isValueNode()) {
                values.add(node.asText());
            } else {
                errors.add(key + " must be a list of values");
                return null;
            }
        } else if (node.isValueNode()) {
            values.add(node.asText());
        } else {
            errors.add(
                    key
                            + " must be a single value, not a "
                            + (node.isArray() ? "list" : "mapping"));
            return null;
        }
        return values;
    }

    /**
     * Converts {@code values} as picocli would convert them on the command line (by parsing them on
     * a scratch command holding only this option) and sets the option; returns false and reports
     * when they do not convert.
     */
    private static boolean set(
            OptionSpec option, List<String> values, Origin origin, List<String> errors) {
        String flag = option.longestName();
        if (option.typeInfo().isBoolean()) {
            String value = values.get(0).toLowerCase(Locale.ROOT);
            if (!value.equals("true") && !value.equals("false")) {
                errors.add(origin.name() + " must be true or false: " + values.get(0));
                return false;
            }
            option.setValue(Boolean.parseBoolean(value));
            return true;
        }
        List<String> args = new ArrayList<>();
        for (String value : values) {
            args.add(flag);
            args.add(value);
        }
        OptionSpec scratch = scratchCopy(option);
        try {
            new CommandLine(CommandSpec.create().addOption(scratch))
                    .parseArgs(args.toArray(String[]::new));
        } catch (CommandLine.ParameterException e) {
            errors.add(
                    e.getMessage()
                            .replace("option '" + flag + "'", origin.name())
                            .replace(flag, origin.name()));
            return false;
        }
        option.setValue(scratch.getValue());
        return true;
    }

    /**
     * A copy of {@code option} (names, arity, type, converters, split) bound to a value of its own:
     * the copy would otherwise read and write the field of the real mixin instance.
     */
    private static OptionSpec scratchCopy(OptionSpec option) {
        ValueHolder holder = new ValueHolder();
        return OptionSpec.builder(option).getter(holder).setter(holder).build();
    }

    /** The value of a scratch option. */
    private static final class ValueHolder implements IGetter, ISetter {
        private Object value;

        @Override
        @SuppressWarnings("unchecked")
        public <T> T get() {
            return (T) value;
        }

        @Override
        @SuppressWarnings("unchecked")
        public <T> T set(T newValue) {
            T previous = (T) value;
            value = newValue;
            return previous;
        }
    }

    private static String inline(JsonNode mapping) {
        List<String> pairs = new ArrayList<>();
        mapping.fields().forEachRemaining(f -> pairs.add(f.getKey() + "=" + f.getValue().asText()));
        return String.join(",", pairs);
    }

    private static String suggestion(String key) {
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (ConfigKeys.Entry entry : ConfigKeys.all()) {
            if (entry.key() != null) {
                int d = distance(key, entry.key());
                if (d < bestDistance) {
                    best = entry.key();
                    bestDistance = d;
                }
            }
        }
        return best != null && bestDistance <= Math.max(2, key.length() / 4)
                ? "; did you mean " + best + "?"
                : "";
    }

    /** Levenshtein distance. */
    private static int distance(String a, String b) {
        int[] previous = new int[b.length() + 1];
        int[] current = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            previous[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            current[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int substitution = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                current[j] = Math.min(substitution, Math.min(previous[j], current[j - 1]) + 1);
            }
            int[] swap = previous;
            previous = current;
            current = swap;
        }
        return previous[b.length()];
    }

    private static String firstLine(String message) {
        return message == null ? "" : message.lines().findFirst().orElse("");
    }
}
