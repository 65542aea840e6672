package dev.cxq.job.cli;

import dev.cxq.job.secret.SecretRef;
import dev.cxq.job.sink.webhook.WebhookEndpoint;

import org.apache.flink.util.InstantiationUtil;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Where values come from (flag over environment over config file over default), how secrets are
 * read, and that {@code --help}, the sample file and {@code docs/configuration.md} agree with the
 * options.
 */
class ConfigurationTest {

    private static final Path SAMPLE = Path.of("..", "deploy", "cxq.example.yaml");
    private static final Path REFERENCE = Path.of("..", "docs", "configuration.md");
    private static final String BEGIN = "<!-- BEGIN GENERATED OPTIONS -->";
    private static final String END = "<!-- END GENERATED OPTIONS -->";

    @TempDir Path dir;

    private record Configured(CxqMain main, ConfigSources.Origins origins, List<String> errors) {}

    private static Configured configure(Map<String, String> env, Path file, String... args) {
        CxqMain main = new CxqMain(env);
        CommandLine.ParseResult parsed = new CommandLine(main).parseArgs(args);
        List<String> errors = new ArrayList<>();
        ConfigSources.Origins origins = ConfigSources.apply(parsed, env, file, errors);
        return new Configured(main, origins, errors);
    }

    /** Where the configured database password is. */
    private static SecretRef password(Configured c) {
        return c.main().outputOptions.jdbcPassword(c.main().env);
    }

    @Test
    void aFlagBeatsTheEnvironmentWhichBeatsTheFileWhichBeatsTheDefault() throws IOException {
        Path file =
                Files.writeString(
                        dir.resolve("cxq.yaml"),
                        """
                        thresholds:
                          mos: 3.0
                          critical-mos: 2.5
                        execution.parallelism: 3
                        alerts: {hysteresis: 20s}
                        jdbc.url:
                        webhook:
                          # every entry commented out: an empty section is allowed
                        """);
        Configured c =
                configure(
                        Map.of("CXQ_THRESHOLDS_MOS", "3.1", "CXQ_EXECUTION_PARALLELISM", "4"),
                        file,
                        "--degraded-mos-below",
                        "3.3");

        assertThat(c.errors()).isEmpty();
        assertThat(c.main().thresholdOptions.degradedMosBelow).isEqualTo(3.3);
        assertThat(c.origins().of("--degraded-mos-below"))
                .isEqualTo(
                        new ConfigSources.Origin(
                                ConfigSources.Source.FLAG, "--degraded-mos-below"));
        assertThat(c.main().executionOptions.parallelism).isEqualTo(4);
        assertThat(c.origins().of("--parallelism"))
                .isEqualTo(
                        new ConfigSources.Origin(
                                ConfigSources.Source.ENV, "CXQ_EXECUTION_PARALLELISM"));
        assertThat(c.main().thresholdOptions.criticalMosBelow).isEqualTo(2.5);
        assertThat(c.main().thresholdOptions.alertHysteresis).isEqualTo(Duration.ofSeconds(20));
        assertThat(c.origins().of("--alert-hysteresis"))
                .isEqualTo(
                        new ConfigSources.Origin(ConfigSources.Source.FILE, "alerts.hysteresis"));
        assertThat(c.main().eventTimeOptions.sessionTimeout).isEqualTo(Duration.ofMinutes(30));
        assertThat(c.origins().isSet("--session-timeout")).isFalse();
        assertThat(c.main().outputOptions.jdbcUrl).isNull();
    }

    @Test
    void listsMapsAndBooleansComeFromTheFileOrTheEnvironment() throws IOException {
        Path file =
                Files.writeString(
                        dir.resolve("cxq.yaml"),
                        """
                        kafka:
                          topics: [a, b]
                          properties:
                            security.protocol: SASL_SSL
                            sasl.mechanism: SCRAM-SHA-512
                        webhook:
                          urls: [http://one.example/a]
                          deliver-until-drained: true
                        """);
        Configured fromFile = configure(Map.of(), file);
        assertThat(fromFile.errors()).isEmpty();
        assertThat(fromFile.main().kafkaOptions.kafkaTopics).containsExactly("a", "b");
        assertThat(fromFile.main().kafkaOptions.kafkaProperties)
                .containsExactly(
                        Map.entry("security.protocol", "SASL_SSL"),
                        Map.entry("sasl.mechanism", "SCRAM-SHA-512"));
        assertThat(fromFile.main().webhookOptions.urls).containsExactly("http://one.example/a");
        assertThat(fromFile.main().webhookOptions.deliverUntilDrained).isTrue();

        Configured overridden =
                configure(
                        Map.of(
                                "CXQ_WEBHOOK_URLS", "http://two.example/a, http://three.example/b",
                                "CXQ_WEBHOOK_DELIVER_UNTIL_DRAINED", "false",
                                "CXQ_KAFKA_PROPERTIES", "acks=all, linger.ms=5"),
                        file,
                        "--kafka-topics",
                        "c");
        assertThat(overridden.main().kafkaOptions.kafkaTopics).containsExactly("c");
        assertThat(overridden.main().webhookOptions.urls)
                .containsExactly("http://two.example/a", "http://three.example/b");
        assertThat(overridden.main().webhookOptions.deliverUntilDrained).isFalse();
        assertThat(overridden.main().kafkaOptions.kafkaProperties)
                .containsExactly(Map.entry("acks", "all"), Map.entry("linger.ms", "5"));
    }

    @Test
    void theConfigFileCanBeNamedByTheEnvironment() throws IOException {
        Path input = Files.writeString(dir.resolve("e.jsonl"), "{}\n");
        Path file = Files.writeString(dir.resolve("cxq.yaml"), "input: " + input + "\n");
        ConfigurationErrorsTest.Outcome outcome =
                ConfigurationErrorsTest.run(
                        Map.of("CXQ_CONFIG", file.toString()), "--check-config");
        assertThat(outcome.exitCode()).isZero();
        assertThat(outcome.stdout()).contains("  input = " + input + "  (file input)");
    }

    @Test
    void theSampleConfigFileIsValid() {
        ConfigurationErrorsTest.Outcome outcome =
                ConfigurationErrorsTest.run(
                        Map.of(), "--config", SAMPLE.toString(), "--check-config");
        assertThat(outcome.errors()).isEmpty();
        assertThat(outcome.exitCode()).isZero();
        assertThat(outcome.stdout())
                .contains("cxq: the configuration is valid")
                .contains("  kafka.bootstrap = kafka:9092  (file kafka.bootstrap)")
                .contains("  webhook.urls = [http://webhook-echo:8080/…]  (file webhook.urls)")
                .contains("  thresholds.mos = 3.5  (file thresholds.mos)");
    }

    @Test
    void theDatabasePasswordComesFromTheEnvironmentAndIsNeverPrinted() {
        ConfigurationErrorsTest.Outcome outcome =
                ConfigurationErrorsTest.run(
                        Map.of("CXQ_JDBC_PASSWORD", "s3cret-from-env"),
                        "--config",
                        SAMPLE.toString(),
                        "--check-config");
        assertThat(outcome.exitCode()).isZero();
        assertThat(outcome.stdout())
                .contains("  database password: env CXQ_JDBC_PASSWORD")
                .doesNotContain("s3cret-from-env");
    }

    @Test
    void aPasswordFileWinsOverTheEnvironmentAndOnlyTheirLocationIsKept() throws IOException {
        Map<String, String> env = Map.of("CXQ_JDBC_PASSWORD", "from-env");
        Path passwordFile = Files.writeString(dir.resolve("pw"), "from-file\n");

        Configured envOnly = configure(env, null);
        assertThat(password(envOnly)).isEqualTo(SecretRef.env("CXQ_JDBC_PASSWORD"));
        assertThat(password(envOnly).read(env)).isEqualTo("from-env");

        Configured withFile = configure(env, null, "--jdbc-password-file", passwordFile.toString());
        assertThat(password(withFile)).isEqualTo(SecretRef.file(passwordFile));
        assertThat(password(withFile).read(env)).isEqualTo("from-file");

        assertThat(password(configure(Map.of(), null))).isNull();
    }

    @Test
    void aPasswordOnTheCommandLineIsHeldByThisProcessAndNeverPrinted() throws Exception {
        Configured withFlag =
                configure(
                        Map.of("CXQ_JDBC_PASSWORD", "from-env"),
                        null,
                        "--jdbc-password",
                        "0n-line");
        SecretRef held = password(withFlag);
        assertThat(held.read()).isEqualTo("0n-line");
        assertThat(held).hasToString("the command line (this process)");
        byte[] serialized = InstantiationUtil.serializeObject(held);
        assertThat(new String(serialized, StandardCharsets.ISO_8859_1)).doesNotContain("0n-line");
        SecretRef copy =
                InstantiationUtil.deserializeObject(serialized, getClass().getClassLoader());
        assertThat(copy.read()).isEqualTo("0n-line");
        assertThatThrownBy(() -> new SecretRef(null, null, "not-held-here").read())
                .hasMessageContaining("on a cluster, give it in an environment variable or a file");

        Path input = Files.writeString(dir.resolve("e.jsonl"), "{}\n");
        ConfigurationErrorsTest.Outcome outcome =
                ConfigurationErrorsTest.run(
                        Map.of(),
                        "--input",
                        input.toString(),
                        "--jdbc-password",
                        "0n-line",
                        "--check-config");
        assertThat(outcome.exitCode()).isZero();
        assertThat(outcome.stdout())
                .contains("  --jdbc-password = ***  (flag --jdbc-password)")
                .contains("  database password: the command line (this process)")
                .doesNotContain("0n-line");
    }

    @Test
    void webhookSecretsComeFromTheEnvironmentAsLocations() {
        Map<String, String> env =
                Map.of(
                        "CXQ_WEBHOOK_TOKEN",
                        "token-from-env",
                        "CXQ_WEBHOOK_SECRET",
                        "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw");
        Configured c = configure(env, null, "--webhook-url", "https://alerts.example/cxq");
        List<WebhookEndpoint> endpoints = c.main().webhookOptions.settings(env).endpoints();
        assertThat(endpoints)
                .singleElement()
                .extracting(WebhookEndpoint::token)
                .isEqualTo(SecretRef.env("CXQ_WEBHOOK_TOKEN"));
        assertThat(endpoints.get(0).signingSecret()).isEqualTo(SecretRef.env("CXQ_WEBHOOK_SECRET"));
    }

    @Test
    void everyOptionHasConfigurationSourcesAndEveryEntryAnOption() {
        CommandSpec spec = new CommandLine(new CxqMain()).getCommandSpec();
        Set<String> flags = new HashSet<>();
        for (OptionSpec option : ConfigReference.options(spec)) {
            flags.add(option.longestName());
            assertThat(ConfigKeys.forFlag(option.longestName()))
                    .as("ConfigKeys entry of %s", option.longestName())
                    .isPresent();
        }
        Set<String> keys = new HashSet<>();
        Set<String> envs = new HashSet<>();
        for (ConfigKeys.Entry entry : ConfigKeys.all()) {
            assertThat(flags).as("option of ConfigKeys entry").contains(entry.flag());
            if (entry.key() != null) {
                assertThat(keys.add(entry.key())).as("unique key %s", entry.key()).isTrue();
            }
            if (entry.env() != null) {
                assertThat(envs.add(entry.env())).as("unique env %s", entry.env()).isTrue();
            }
        }
    }

    @Test
    void helpShowsEveryOptionWithItsDefaultAndSources() {
        ConfigurationErrorsTest.Outcome outcome = ConfigurationErrorsTest.run(Map.of(), "--help");
        assertThat(outcome.exitCode()).isZero();

        Map<String, String> blocks = new LinkedHashMap<>();
        Pattern optionLine = Pattern.compile("^ {2}(?:-\\w, | {4})(--[a-z][a-z-]*)");
        String current = null;
        for (String line : outcome.stdout().lines().toList()) {
            Matcher m = optionLine.matcher(line);
            if (m.find()) {
                current = m.group(1);
                blocks.put(current, "");
            }
            if (current != null) {
                blocks.put(current, blocks.get(current) + " " + line.strip());
            }
        }
        CommandSpec spec = new CommandLine(new CxqMain()).getCommandSpec();
        List<OptionSpec> options = ConfigReference.options(spec);
        for (OptionSpec option : options) {
            String block = blocks.get(option.longestName());
            assertThat(block).as("help of %s", option.longestName()).isNotNull();
            String text = block.replaceAll("\\s+", " ");
            assertThat(text)
                    .as("help of %s", option.longestName())
                    .contains("Default: " + ConfigReference.defaultText(option));
            ConfigKeys.Entry entry = ConfigKeys.forFlag(option.longestName()).orElseThrow();
            if (entry.key() != null) {
                assertThat(text).contains("Config key: " + entry.key() + ".");
            }
            if (entry.env() != null) {
                assertThat(text).contains("Env: " + entry.env() + ".");
            }
        }
        assertThat(blocks.keySet()).containsAll(List.of("--help", "--version"));
        assertThat(blocks).hasSize(options.size() + 2);
    }

    @Test
    void theConfigurationReferenceIsGeneratedFromTheOptions() throws IOException {
        String doc = Files.readString(REFERENCE, StandardCharsets.UTF_8);
        int begin = doc.indexOf(BEGIN);
        int end = doc.indexOf(END);
        assertThat(begin).as("marker " + BEGIN).isNotNegative();
        assertThat(end).as("marker " + END).isGreaterThan(begin);
        String generated =
                ConfigReference.markdown(new CommandLine(new CxqMain()).getCommandSpec());
        String documented = doc.substring(begin + BEGIN.length(), end);
        if (!documented.equals(generated)) {
            Path fresh = Path.of("target", "configuration.md");
            Files.writeString(
                    fresh,
                    doc.substring(0, begin + BEGIN.length()) + generated + doc.substring(end));
            assertThat(documented)
                    .as("docs/configuration.md is out of date: copy job/%s over it", fresh)
                    .isEqualTo(generated);
        }
    }
}
