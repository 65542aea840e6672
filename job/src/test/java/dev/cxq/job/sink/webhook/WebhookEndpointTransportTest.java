package dev.cxq.job.sink.webhook;

import dev.cxq.job.secret.SecretRef;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A bearer token never goes over plain {@code http://} unless allowed, also when the URL is read
 * from a file on the task manager, where it may differ from what the client checked at start: the
 * sink writer resolves the URL and checks it again when it opens.
 */
class WebhookEndpointTransportTest {

    @TempDir Path dir;

    @Test
    void aUrlFileThatTurnedToPlainHttpIsRefusedWhenTheWriterResolvesIt() throws Exception {
        Path urlFile = Files.writeString(dir.resolve("url"), "https://hooks.example/p-1\n");
        SecretRef token = SecretRef.file(Files.writeString(dir.resolve("token"), "t0ken"));
        WebhookEndpoint endpoint =
                WebhookEndpoint.of(
                        "pager",
                        URI.create("https://hooks.example/p-1"),
                        SecretRef.file(urlFile),
                        token,
                        null,
                        false);
        assertThatCode(() -> endpoint.checkTransport(endpoint.resolveUrl()))
                .doesNotThrowAnyException();

        Files.writeString(urlFile, "http://hooks.example/p-1\n");
        assertThatThrownBy(() -> endpoint.checkTransport(endpoint.resolveUrl()))
                .hasMessageContaining("a bearer token is not sent over plain http")
                .hasMessageNotContaining("p-1")
                .hasMessageNotContaining("t0ken");
    }

    @Test
    void plainHttpIsAcceptedWithoutATokenOrWithThePermission() throws Exception {
        URI http = URI.create("http://hooks.example/p-2");
        SecretRef token = SecretRef.file(Files.writeString(dir.resolve("token"), "t0ken"));
        assertThatCode(() -> WebhookEndpoint.of("a", http, null, null, null, false))
                .doesNotThrowAnyException();
        assertThatCode(() -> WebhookEndpoint.of("b", http, null, token, null, true))
                .doesNotThrowAnyException();
        assertThatThrownBy(() -> WebhookEndpoint.of("c", http, null, token, null, false))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
