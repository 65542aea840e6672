package dev.cxq.job.cli;

import dev.cxq.job.secret.SecretRef;
import dev.cxq.job.sink.webhook.WebhookDeliveryOptions;
import dev.cxq.job.sink.webhook.WebhookEndpoint;
import dev.cxq.job.sink.webhook.WebhookSettings;
import dev.cxq.udf.internal.Hashing;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class WebhookCliOptionsTest {

    private static WebhookDeliveryOptions options(String... args) {
        CxqMain main = new CxqMain();
        new CommandLine(main).parseArgs(args);
        return main.webhookOptions.settings(Map.of()).options();
    }

    @Test
    void breakerDefaultsToThePolicyDefaults() {
        WebhookDeliveryOptions options = options();
        WebhookDeliveryOptions defaults = WebhookDeliveryOptions.defaults();

        assertThat(options.breakerFailureThreshold())
                .isEqualTo(defaults.breakerFailureThreshold())
                .isEqualTo(5);
        assertThat(options.breakerOpenDuration())
                .isEqualTo(defaults.breakerOpenDuration())
                .isEqualTo(Duration.ofSeconds(15));
    }

    @Test
    void breakerFlagsReachTheDeliveryOptions() {
        WebhookDeliveryOptions options =
                options(
                        "--webhook-breaker-threshold", "3",
                        "--webhook-breaker-open", "2m");

        assertThat(options.breakerFailureThreshold()).isEqualTo(3);
        assertThat(options.breakerOpenDuration()).isEqualTo(Duration.ofMinutes(2));
    }

    private static WebhookSettings settings(Map<String, String> env, String... args) {
        CxqMain main = new CxqMain(env);
        new CommandLine(main).parseArgs(args);
        return main.webhookOptions.settings(env);
    }

    @Test
    void aTokenIsNotSentOverPlainHttpUnlessExplicitlyAllowed() {
        Map<String, String> env = Map.of("CXQ_WEBHOOK_TOKEN", "t0ken");
        assertThatThrownBy(() -> settings(env, "--webhook-url", "http://alerts.example/cxq"))
                .hasMessageContaining("a bearer token is not sent over plain http")
                .hasMessageNotContaining("t0ken");

        WebhookEndpoint allowed =
                settings(
                                env,
                                "--webhook-url",
                                "http://alerts.example/cxq",
                                "--webhook-allow-insecure-http")
                        .endpoints()
                        .get(0);
        assertThat(allowed.allowInsecureHttp()).isTrue();
        assertThat(settings(env, "--webhook-url", "https://alerts.example/cxq").endpoints())
                .singleElement()
                .extracting(WebhookEndpoint::token)
                .isEqualTo(SecretRef.env("CXQ_WEBHOOK_TOKEN"));
        // Without a token, plain http is fine.
        assertThat(settings(Map.of(), "--webhook-url", "http://alerts.example/cxq").endpoints())
                .hasSize(1);
    }

    @Test
    void eachEndpointHasItsOwnSecretsAndIsNamedByItsIdNeverItsUrl() {
        Map<String, String> env =
                Map.of(
                        "A_URL", "https://hooks.example/services/T0/B0/s3cr3t-path",
                        "A_TOKEN", "token-a",
                        "B_SECRET", "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw");
        List<WebhookEndpoint> endpoints =
                settings(
                                env,
                                "--webhook-endpoint",
                                "name=pager,url-env=A_URL,token-env=A_TOKEN",
                                "--webhook-endpoint",
                                "url=https://audit.example/cxq,secret-env=B_SECRET")
                        .endpoints();

        WebhookEndpoint pager = endpoints.get(0);
        assertThat(pager.id()).isEqualTo("pager");
        assertThat(pager.url()).as("a URL from a secret's location is not kept").isNull();
        assertThat(pager.urlRef()).isEqualTo(SecretRef.env("A_URL"));
        assertThat(pager.token()).isEqualTo(SecretRef.env("A_TOKEN"));
        assertThat(pager.signingSecret()).isNull();
        assertThat(pager).hasToString("pager (https://hooks.example/…)");
        assertThat(pager.urlHash()).isEqualTo(Hashing.sha256Hex(env.get("A_URL")).substring(0, 12));

        WebhookEndpoint audit = endpoints.get(1);
        assertThat(audit.id()).isEqualTo(audit.urlHash()).matches("[0-9a-f]{12}");
        assertThat(audit.token()).isNull();
        assertThat(audit.signingSecret()).isEqualTo(SecretRef.env("B_SECRET"));
    }

    @Test
    void oneTokenForSeveralUrlsAndTwiceTheSameEndpointAreRefused() {
        assertThatThrownBy(
                        () ->
                                settings(
                                        Map.of("CXQ_WEBHOOK_TOKEN", "t0ken"),
                                        "--webhook-url",
                                        "https://a.example/x",
                                        "--webhook-url",
                                        "https://b.example/y"))
                .hasMessageStartingWith("a bearer token or signing secret belongs to one endpoint");
        assertThatThrownBy(
                        () ->
                                settings(
                                        Map.of(),
                                        "--webhook-url",
                                        "https://a.example/x",
                                        "--webhook-endpoint",
                                        "name=a,url=https://a.example/x"))
                .hasMessageEndingWith("is configured twice");
    }

    @Test
    void anEndpointIsShownWithoutItsUrlPath() {
        assertThat(
                        WebhookEndpointParser.shownEndpoint(
                                "name=a,url=https://hooks.example/T0/s3cr3t,token-file=/run/t"))
                .isEqualTo("name=a,url=https://hooks.example/…,token-file=/run/t");
        assertThat(WebhookEndpointParser.shownEndpoint("name=a,token=s3cr3t"))
                .isEqualTo("name=a,token=***");
    }
}
