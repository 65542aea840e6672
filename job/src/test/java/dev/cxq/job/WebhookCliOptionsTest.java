package dev.cxq.job;

import dev.cxq.job.sink.webhook.WebhookSinkOptions;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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

    @Test
    void invalidValuesAreRejectedNamingTheFlag() {
        assertThatThrownBy(() -> options("--webhook-breaker-threshold", "0"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("--webhook-breaker-threshold must be 1 or more, got 0");
        assertThatThrownBy(() -> options("--webhook-breaker-open", "0s"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("--webhook-breaker-open must be positive, got PT0S");
        assertThatThrownBy(() -> options("--webhook-retry-window", "PT-1S"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("--webhook-retry-window must not be negative, got PT-1S");
        assertThatThrownBy(() -> options("--webhook-max-attempts", "0"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("--webhook-max-attempts must be 1 or more, got 0");
    }

    @Test
    void helpShowsTheDefaults() {
        String usage = new CommandLine(new CxqMain()).getUsageMessage();

        assertThat(usage)
                .containsPattern("--webhook-breaker-threshold=<\\w+>\\s[\\s\\S]*?Default: 5");
        assertThat(usage).containsPattern("--webhook-breaker-open=<\\w+>\\s[\\s\\S]*?Default: 15s");
        assertThat(usage).containsPattern("--webhook-retry-window=<\\w+>\\s[\\s\\S]*?Default: 10m");
    }
}
