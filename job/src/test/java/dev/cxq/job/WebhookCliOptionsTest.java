package dev.cxq.job;

import dev.cxq.job.sink.webhook.WebhookSinkOptions;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class WebhookCliOptionsTest {

    private static WebhookSinkOptions options(String... args) {
        CxqMain main = new CxqMain();
        new CommandLine(main).parseArgs(args);
        return main.webhookOptions.settings(Map.of()).options();
    }

    @Test
    void breakerAndRetryWindowDefaultToThePolicyDefaults() {
        WebhookSinkOptions options = options();
        WebhookSinkOptions defaults = WebhookSinkOptions.defaults();

        assertThat(options.breakerFailureThreshold())
                .isEqualTo(defaults.breakerFailureThreshold())
                .isEqualTo(5);
        assertThat(options.breakerOpenDuration())
                .isEqualTo(defaults.breakerOpenDuration())
                .isEqualTo(Duration.ofSeconds(15));
        assertThat(options.retryWindow())
                .isEqualTo(defaults.retryWindow())
                .isEqualTo(Duration.ofMinutes(10));
    }

    @Test
    void breakerAndRetryWindowFlagsReachTheSinkOptions() {
        WebhookSinkOptions options =
                options(
                        "--webhook-breaker-threshold", "3",
                        "--webhook-breaker-open", "2m",
                        "--webhook-retry-window", "30m");

        assertThat(options.breakerFailureThreshold()).isEqualTo(3);
        assertThat(options.breakerOpenDuration()).isEqualTo(Duration.ofMinutes(2));
        assertThat(options.retryWindow()).isEqualTo(Duration.ofMinutes(30));
    }
}
