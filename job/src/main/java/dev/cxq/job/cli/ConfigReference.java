package dev.cxq.job.cli;

import picocli.CommandLine;
import picocli.CommandLine.Help;
import picocli.CommandLine.Help.Ansi.Text;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;

/**
 * Describes every option the same way in {@code --help} and in {@code docs/configuration.md}: its
 * default, its config key, its environment variable and its rule, all taken from the picocli
 * options and {@link ConfigKeys}.
 */
final class ConfigReference {

    private ConfigReference() {}

    /** The options a user configures: all but {@code --help} and {@code --version}. */
    static List<OptionSpec> options(CommandSpec spec) {
        return spec.options().stream().filter(o -> !o.usageHelp() && !o.versionHelp()).toList();
    }

    /** The default as shown to users: the declared one, {@code false} or {@code none}. */
    static String defaultText(OptionSpec option) {
        ConfigKeys.Entry entry = ConfigKeys.forFlag(option.longestName()).orElse(null);
        if (entry != null && entry.defaultText() != null) {
            return entry.defaultText();
        }
        if (option.defaultValue() != null) {
            return option.defaultValue();
        }
        return option.typeInfo().isBoolean() ? "false" : "none";
    }

    static String typeText(OptionSpec option) {
        Class<?> type = option.type();
        if (option.typeInfo().isMap()) {
            return "map KEY=VALUE";
        }
        if (option.isMultiValue()) {
            return "list";
        }
        if (type == int.class || type == Integer.class) {
            return "integer";
        }
        if (type == double.class || type == Double.class) {
            return "number";
        }
        if (type == boolean.class || type == Boolean.class) {
            return "boolean";
        }
        if (type == Duration.class) {
            return "duration";
        }
        if (type == Path.class) {
            return "path";
        }
        return "string";
    }

    static String description(OptionSpec option) {
        return String.join(" ", option.description()).replace("%%", "%").replace("%n", " ");
    }

    /**
     * Replaces picocli's option list in {@code --help} with one that shows, under each option, its
     * default and where else it can be set.
     */
    static void installHelp(CommandLine commandLine) {
        commandLine
                .getHelpSectionMap()
                .put(
                        CommandLine.Model.UsageMessageSpec.SECTION_KEY_OPTION_LIST,
                        ConfigReference::optionList);
    }

    private static String optionList(Help help) {
        Help.Layout base = help.createDefaultLayout();
        Help.IOptionRenderer standard = base.optionRenderer();
        Help.IOptionRenderer withSources =
                (option, labels, scheme) -> {
                    Text[][] rows = standard.render(option, labels, scheme);
                    if (option.usageHelp() || option.versionHelp()) {
                        return rows;
                    }
                    List<Text[]> all = new ArrayList<>(Arrays.asList(rows));
                    all.add(row(rows, scheme, "Default: " + defaultText(option)));
                    String sources = sources(option);
                    if (!sources.isEmpty()) {
                        all.add(row(rows, scheme, sources));
                    }
                    return all.toArray(Text[][]::new);
                };
        Help.Layout layout =
                new Help.Layout(
                        help.colorScheme(),
                        base.textTable(),
                        withSources,
                        base.parameterRenderer());
        return help.optionList(layout, null, help.parameterLabelRenderer());
    }

    private static String sources(OptionSpec option) {
        ConfigKeys.Entry entry = ConfigKeys.forFlag(option.longestName()).orElse(null);
        if (entry == null) {
            return "";
        }
        StringBuilder text = new StringBuilder();
        if (entry.key() != null) {
            text.append("Config key: ").append(entry.key()).append(". ");
        }
        if (entry.env() != null) {
            text.append("Env: ").append(entry.env()).append(".");
        }
        return text.toString().strip();
    }

    private static Text[] row(Text[][] rows, Help.ColorScheme scheme, String description) {
        int columns = rows.length == 0 ? 5 : rows[0].length;
        Text[] row = new Text[columns];
        Arrays.fill(row, scheme.text(""));
        row[columns - 1] = scheme.text(description);
        return row;
    }

    /** The option tables of {@code docs/configuration.md}, one per section of config keys. */
    static String markdown(CommandSpec spec) {
        List<OptionSpec> options = new ArrayList<>(options(spec));
        for (OptionSpec option : options) {
            if (ConfigKeys.forFlag(option.longestName()).isEmpty()) {
                throw new IllegalStateException(
                        option.longestName() + " has no entry in ConfigKeys");
            }
        }
        // A stable sort: within a section, the options keep their order in --help.
        options.sort(Comparator.comparing(o -> Section.of(entry(o))));
        StringBuilder md = new StringBuilder();
        Section section = null;
        for (OptionSpec option : options) {
            ConfigKeys.Entry entry = entry(option);
            if (Section.of(entry) != section) {
                section = Section.of(entry);
                md.append("\n### ").append(section.title).append("\n\n");
                md.append(
                        "| flag | config key | environment | type | default | rule | meaning |\n");
                md.append("|---|---|---|---|---|---|---|\n");
            }
            md.append("| `")
                    .append(option.longestName())
                    .append("` | ")
                    .append(code(entry.key()))
                    .append(" | ")
                    .append(code(entry.env()))
                    .append(" | ")
                    .append(typeText(option))
                    .append(" | `")
                    .append(defaultText(option))
                    .append("` | ")
                    .append(entry.rule())
                    .append(" | ")
                    .append(description(option).replace("|", "\\|"))
                    .append(" |\n");
        }
        return md.toString();
    }

    /** The sections of the reference, in their order, each with the first part of its keys. */
    private enum Section {
        COMMAND_LINE_ONLY("Command line only", null),
        INPUT("Input", ""),
        KAFKA("Kafka", "kafka"),
        EVENT_TIME("Event time", "events"),
        DATABASE("Database", "jdbc"),
        OUTPUT("Output", "output"),
        EXECUTION("Execution", "execution"),
        QUALITY_THRESHOLDS("Quality thresholds", "thresholds"),
        ALERTS("Alerts", "alerts"),
        PIPELINE_STATUS("Pipeline status", "pipeline-status"),
        WEBHOOKS("Webhooks", "webhook"),
        CHECKPOINTS("Checkpoints", "checkpoints"),
        RESTARTS("Restarts", "restarts"),
        METRICS("Metrics", "metrics"),
        DEMO("Demo", "demo"),
        BACKFILL("Backfill", "backfill"),
        METRIC_SYNC("Metric sync", "metric-sync");

        final String title;

        /** The key up to its first dot; empty for a key without a dot, null for no key. */
        final String prefix;

        Section(String title, String prefix) {
            this.title = title;
            this.prefix = prefix;
        }

        static Section of(ConfigKeys.Entry entry) {
            String key = entry.key();
            // The database password's flag has no key (a secret), but belongs with the database.
            if (key == null && entry.flag().equals(OutputCliOptions.JDBC_PASSWORD)) {
                return DATABASE;
            }
            int dot = key == null ? -1 : key.indexOf('.');
            String prefix = key == null ? null : dot < 0 ? "" : key.substring(0, dot);
            return Arrays.stream(values())
                    .filter(section -> Objects.equals(section.prefix, prefix))
                    .findFirst()
                    .orElseThrow(() -> new IllegalStateException("no section for key " + key));
        }
    }

    private static ConfigKeys.Entry entry(OptionSpec option) {
        return ConfigKeys.forFlag(option.longestName()).orElseThrow();
    }

    private static String code(String text) {
        return text == null ? "-" : "`" + text + "`";
    }
}
