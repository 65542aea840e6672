package dev.cxq.job.cli;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The {@code --backfill} options through the typed configuration: each mistake named as set. */
class BackfillCliOptionsTest {

    private static final String VALID =
            "--backfill genesys --from 2026-03-01T00:00:00Z --to 2026-03-02T00:00:00Z"
                    + " --backfill-base-url https://api.mypurecloud.com"
                    + " --backfill-token-url https://login.mypurecloud.com/oauth/token"
                    + " --backfill-client-id cxq";
    private static final Map<String, String> SECRET =
            Map.of(BackfillCliOptions.SECRET_ENV, "not-to-be-printed");

    @Test
    void aValidBackfillIsAcceptedAndItsSecretNeverPrinted() {
        ConfigurationErrorsTest.Outcome outcome = run(SECRET, VALID + " --check-config");

        assertThat(outcome.errors()).isEmpty();
        assertThat(outcome.exitCode()).isZero();
        assertThat(outcome.stdout())
                .contains("backfill.platform = genesys")
                .contains("backfill.rate-limit = 300/1m")
                .doesNotContain("not-to-be-printed");
    }

    @Test
    void eachMistakeIsNamedAsTheUserWroteIt() {
        assertThat(run(SECRET, VALID.replace("genesys", "salesforce")).errors())
                .containsExactly("--backfill must be genesys or nice: salesforce");
        assertThat(run(Map.of(), VALID).errors())
                .containsExactly(
                        "--backfill needs the client secret: --backfill-client-secret-file or"
                                + " CXQ_BACKFILL_CLIENT_SECRET");
        assertThat(run(SECRET, VALID.replace("03-02", "02-27")).errors())
                .containsExactly(
                        "--from must be before --to: 2026-03-01T00:00:00Z / 2026-02-27T00:00:00Z");
        assertThat(run(SECRET, VALID + " --backfill-rate-limit 3/1s --parallelism 2").errors())
                .containsExactly(
                        "--backfill-rate-limit must allow at least 2 requests per window to each"
                                + " of the 2 readers: 3/1s");
        assertThat(run(SECRET, VALID + " --backfill-rate-limit fast").errors())
                .containsExactly(
                        "--backfill-rate-limit must be REQUESTS/WINDOW, e.g. 300/1m: fast");
        Map<String, String> env = new java.util.HashMap<>(SECRET);
        env.put("CXQ_BACKFILL_TO", "tomorrow");
        assertThat(run(env, VALID.replace(" --to 2026-03-02T00:00:00Z", "")).errors())
                .containsExactly(
                        "CXQ_BACKFILL_TO must be an ISO-8601 instant with offset"
                                + " (2026-03-01T00:00:00Z): tomorrow");
        assertThat(run(SECRET, VALID + " --input pom.xml").errors())
                .containsExactly("--input and --backfill are both set: give exactly one input");
    }

    private static ConfigurationErrorsTest.Outcome run(Map<String, String> env, String args) {
        List<String> list = new ArrayList<>(Arrays.asList(args.split(" ")));
        return ConfigurationErrorsTest.run(env, list.toArray(String[]::new));
    }
}
