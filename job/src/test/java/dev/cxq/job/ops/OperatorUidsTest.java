package dev.cxq.job.ops;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Pins the uids of the production topology to the table in {@code docs/deployment.md}: a uid that
 * changes or disappears orphans its operator's state in every savepoint taken before, so it must be
 * a deliberate, documented decision and not a side effect of a refactoring.
 */
class OperatorUidsTest {

    static final Path DEPLOYMENT_DOC = Path.of("..", "docs", "deployment.md");

    private static final Pattern ROW = Pattern.compile("^\\| `([^`]+)` \\|[^|]*\\|([^|]*)\\|$");
    private static final String COMMITTER = "Sink Committer: ";

    @Test
    void everyUidOfTheJobGraphIsDocumentedAndEveryDocumentedUidIsInIt() throws IOException {
        Map<String, String> documented = documentedUids();
        Set<String> active = new TreeSet<>();
        documented.forEach(
                (uid, state) -> {
                    if (!state.startsWith("removed")) {
                        active.add(uid);
                    }
                });
        Set<String> inGraph = new TreeSet<>();
        for (String uid : ProductionTopology.uidsToNames().keySet()) {
            assertThat(uid).as("an operator without an explicit uid()").isNotNull();
            inGraph.add(documentedForm(uid));
        }

        Set<String> undocumented = new TreeSet<>(inGraph);
        undocumented.removeAll(active);
        assertThat(undocumented)
                .as(
                        "operators of the job graph whose uid is not in the table of %s:"
                                + " add a row for each new operator (uid, name, state)",
                        DEPLOYMENT_DOC)
                .isEmpty();

        Set<String> missing = new TreeSet<>(active);
        missing.removeAll(inGraph);
        assertThat(missing)
                .as(
                        "uids listed in %s that the job graph no longer has: their state in every"
                                + " savepoint would be orphaned and the restore refused. Restore"
                                + " the uid; if dropping the state is intended, mark the row's"
                                + " state `removed in <version>` and document the one upgrade"
                                + " with job.allowNonRestoredState",
                        DEPLOYMENT_DOC)
                .isEmpty();
    }

    @Test
    void theDocumentedTableCoversEveryStatefulOperator() throws IOException {
        Map<String, String> documented = documentedUids();
        assertThat(documented)
                .containsKeys(
                        "input-records",
                        "dedup-events",
                        "session-quality",
                        "interactions",
                        "fcr",
                        "kpi-windows",
                        "sink-webhook-outbox");
        assertThat(documented.get("session-quality")).startsWith("keyed");
    }

    /** The uid as the table writes it: committers under their sink. */
    static String documentedForm(String uid) {
        return uid.startsWith(COMMITTER) ? uid.substring(COMMITTER.length()) : uid;
    }

    /** uid → state column of the table between the operator-uids markers. */
    static Map<String, String> documentedUids() throws IOException {
        String doc = Files.readString(DEPLOYMENT_DOC, StandardCharsets.UTF_8);
        int begin = doc.indexOf("<!-- operator-uids:begin -->");
        int end = doc.indexOf("<!-- operator-uids:end -->");
        assertThat(begin).as("operator-uids markers in %s", DEPLOYMENT_DOC).isPositive();
        Map<String, String> uids = new LinkedHashMap<>();
        for (String line : doc.substring(begin, end).split("\n")) {
            Matcher row = ROW.matcher(line.strip());
            if (row.matches()) {
                String previous = uids.put(row.group(1), row.group(2).strip());
                assertThat(previous).as("uid %s listed twice", row.group(1)).isNull();
            }
        }
        return uids;
    }
}
