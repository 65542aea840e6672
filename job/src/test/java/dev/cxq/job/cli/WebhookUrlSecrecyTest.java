package dev.cxq.job.cli;

import dev.cxq.job.sink.webhook.WebhookEndpoint;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A webhook URL given inline (command line, environment, config file) is shown by the Flink web UI
 * (program arguments), logged by Flink at start and serialized into the job graph, so it must hold
 * no credential: a URL with user info, a query string, a fragment, or to a host that puts the
 * credential in the path is refused, with a message that names url-file / url-env and does not
 * quote the credential. The same URL read from a file or variable is accepted.
 */
class WebhookUrlSecrecyTest {

    private static final String SECRET = "inline-url-secret-3b9f";

    /** URLs whose credential would show; each holds {@link #SECRET}. */
    private static final List<String> CREDENTIAL_URLS =
            List.of(
                    "https://alerts.example/hook?token=" + SECRET,
                    "https://cxq:" + SECRET + "@alerts.example/hook",
                    "https://alerts.example/hook#" + SECRET,
                    "https://hooks.slack.com/services/T0001/B0001/" + SECRET,
                    "https://acme.webhook.office.com/webhookb2/" + SECRET,
                    "https://discord.com/api/webhooks/1/" + SECRET);

    @TempDir Path dir;

    @ParameterizedTest
    @ValueSource(strings = {"flag", "endpoint", "environment", "config file"})
    void anInlineUrlThatHoldsACredentialIsRefusedWithoutQuotingIt(String where) throws Exception {
        Path input = Files.writeString(dir.resolve("e.jsonl"), "{}\n");
        for (String url : CREDENTIAL_URLS) {
            ConfigurationErrorsTest.Outcome outcome =
                    switch (where) {
                        case "flag" -> run(Map.of(), input, "--webhook-url", url);
                        case "endpoint" ->
                                run(Map.of(), input, "--webhook-endpoint", "name=pager,url=" + url);
                        case "environment" -> run(Map.of("CXQ_WEBHOOK_URLS", url), input);
                        default ->
                                run(
                                        Map.of(),
                                        input,
                                        "--config",
                                        Files.writeString(
                                                        dir.resolve("cxq.yaml"),
                                                        "webhook:\n  urls:\n    - \""
                                                                + url
                                                                + "\"\n")
                                                .toString());
                    };
            assertThat(outcome.exitCode()).as(url).isEqualTo(CxqMain.EXIT_BAD_ARGUMENTS);
            assertThat(outcome.errors())
                    .as(url)
                    .anyMatch(e -> e.contains("url-file=FILE or url-env=VARIABLE"));
            assertThat(outcome.stdout() + outcome.errors()).as(url).doesNotContain(SECRET);
        }
    }

    @Test
    void theSameUrlsAreAcceptedFromAFileOrAVariable() throws Exception {
        for (String url : CREDENTIAL_URLS) {
            Path file = Files.writeString(dir.resolve("url"), url + "\n");
            Map<String, String> env = Map.of("PAGER_URL", url);
            for (String location : List.of("url-file=" + file, "url-env=PAGER_URL")) {
                CxqMain main = new CxqMain(env);
                new picocli.CommandLine(main)
                        .parseArgs("--webhook-endpoint", "name=pager," + location);
                WebhookEndpoint endpoint = main.webhookOptions.settings(env).endpoints().get(0);
                assertThat(endpoint.url()).as("kept out of the job graph").isNull();
                assertThat(endpoint.toString()).doesNotContain(SECRET);
            }
        }
    }

    @Test
    void anInlineUrlWithoutACredentialIsStillAccepted() throws Exception {
        Path input = Files.writeString(dir.resolve("e.jsonl"), "{}\n");
        ConfigurationErrorsTest.Outcome outcome =
                run(
                        Map.of(),
                        input,
                        "--check-config",
                        "--webhook-url",
                        "https://alerts.example:8443/cxq/alerts");
        assertThat(outcome.errors()).isEmpty();
        assertThat(outcome.exitCode()).isZero();
    }

    private static ConfigurationErrorsTest.Outcome run(
            Map<String, String> env, Path input, String... args) {
        String[] all = new String[args.length + 2];
        all[0] = "--input";
        all[1] = input.toString();
        System.arraycopy(args, 0, all, 2, args.length);
        return ConfigurationErrorsTest.run(env, all);
    }

    @Test
    void aBackfillUrlThatHoldsACredentialIsRefusedWithoutQuotingIt() {
        String valid =
                "--backfill genesys --from 2026-03-01T00:00:00Z --to 2026-03-02T00:00:00Z"
                        + " --backfill-base-url https://api.mypurecloud.com"
                        + " --backfill-token-url https://login.mypurecloud.com/oauth/token"
                        + " --backfill-client-id cxq";
        Map<String, String> env = Map.of(BackfillCliOptions.SECRET_ENV, "client-secret");
        for (String url :
                List.of(
                        "https://login.mypurecloud.com/oauth/token?client_secret=" + SECRET,
                        "https://cxq:" + SECRET + "@login.mypurecloud.com/oauth/token")) {
            ConfigurationErrorsTest.Outcome outcome =
                    ConfigurationErrorsTest.run(
                            env,
                            valid.replace("https://login.mypurecloud.com/oauth/token", url)
                                    .split(" "));
            assertThat(outcome.exitCode()).as(url).isEqualTo(CxqMain.EXIT_BAD_ARGUMENTS);
            assertThat(outcome.errors())
                    .containsExactly(
                            "--backfill-token-url https://login.mypurecloud.com/… must hold no"
                                    + " credential (no user info, query string or fragment); the"
                                    + " client secret goes in --backfill-client-secret-file or "
                                    + BackfillCliOptions.SECRET_ENV);
            assertThat(outcome.stdout()).doesNotContain(SECRET);
        }
    }
}
