package dev.cxq.job.cli;

import dev.cxq.job.secret.Redaction;
import dev.cxq.job.secret.SecretRef;
import dev.cxq.job.sink.webhook.WebhookEndpoint;
import dev.cxq.job.sink.webhook.WebhookSettings;

import picocli.CommandLine.Model.OptionSpec;

import java.io.PrintStream;
import java.net.URI;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * What {@code --check-config} prints: each option's effective value and where it came from, and
 * where each secret is read; never a secret itself.
 */
final class EffectiveConfiguration {

    private final CxqMain main;
    private final ConfigSources.Origins origins;
    private final PrintStream out;

    EffectiveConfiguration(CxqMain main, ConfigSources.Origins origins, PrintStream out) {
        this.main = main;
        this.origins = origins;
        this.out = out;
    }

    /** Prints each option's effective value and where it came from; secrets are masked. */
    void printOptions() {
        out.println("cxq: the configuration is valid");
        for (OptionSpec option : ConfigReference.options(main.spec)) {
            String flag = option.longestName();
            if (flag.equals(CxqMain.CHECK_CONFIG)) {
                continue;
            }
            ConfigKeys.Entry entry = ConfigKeys.forFlag(flag).orElse(null);
            String name = entry != null && entry.key() != null ? entry.key() : flag;
            Optional<String> fromCluster = main.deployment.clusterValue(flag, origins);
            if (fromCluster.isPresent()) {
                out.println("  " + name + " = " + fromCluster.get());
                continue;
            }
            Object value =
                    flag.equals(SchemaCliOptions.SCHEMA)
                            ? main.schemaOptions.mode(main.deployment)
                            : option.getValue();
            String shown = value == null ? "none" : shown(flag, value);
            ConfigSources.Origin origin = origins.of(flag);
            out.println(
                    "  "
                            + name
                            + " = "
                            + shown
                            + "  ("
                            + origin.source().name().toLowerCase(Locale.ROOT)
                            + (origin.source() == ConfigSources.Source.DEFAULT
                                    ? ""
                                    : " " + origin.name())
                            + ")");
        }
    }

    /** An option's value as shown: URLs without their path, Kafka credentials masked. */
    @SuppressWarnings("unchecked")
    private static String shown(String flag, Object value) {
        return switch (flag) {
            case WebhookCliOptions.WEBHOOK_URL ->
                    ((List<String>) value)
                            .stream()
                                    .map(url -> Redaction.url(URI.create(url)))
                                    .toList()
                                    .toString();
            case WebhookCliOptions.WEBHOOK_ENDPOINT ->
                    ((List<String>) value)
                            .stream().map(WebhookEndpointParser::shownEndpoint).toList().toString();
            case KafkaCliOptions.KAFKA_PROPERTY ->
                    Redaction.kafkaProperties((Map<String, String>) value).toString();
            case OutputCliOptions.JDBC_URL -> Redaction.jdbcUrl((String) value);
            case OutputCliOptions.JDBC_PASSWORD -> Redaction.MASK;
            default -> String.valueOf(value);
        };
    }

    /** Where each secret is read from (docs/secrets.md); never a secret itself. */
    void printSecretLocations(SecretRef password, WebhookSettings webhooks) {
        out.println("cxq: secrets, read where they are used:");
        out.println("  database password: " + (password == null ? "none" : password));
        if (main.kafkaOptions.enabled()) {
            SecretRef signing = main.kafkaOptions.signingSecret(main.env);
            out.println(
                    "  input signing secret: "
                            + (signing == null ? "none (unsigned input allowed)" : signing));
        }
        for (WebhookEndpoint endpoint : webhooks.endpoints()) {
            out.println(
                    "  webhook "
                            + endpoint
                            + ": url "
                            + (endpoint.urlRef() == null ? "inline" : "in " + endpoint.urlRef())
                            + ", token "
                            + (endpoint.token() == null ? "none" : "in " + endpoint.token())
                            + ", signing secret "
                            + (endpoint.signingSecret() == null
                                    ? "none"
                                    : "in " + endpoint.signingSecret()));
        }
    }
}
