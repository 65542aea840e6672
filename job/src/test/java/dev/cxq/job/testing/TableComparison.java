package dev.cxq.job.testing;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** Compares the table snapshots ({@link PostgresTestDatabase#snapshot}) of two runs. */
public final class TableComparison {

    private TableComparison() {}

    /**
     * Asserts that {@code actual} holds exactly the rows of {@code reference} in every table, with
     * no duplicate; {@code run} names the compared run in the messages.
     *
     * @return the rows compared
     */
    public static long assertSameTables(
            Map<String, List<String>> reference, Map<String, List<String>> actual, String run) {
        assertThat(actual.keySet()).isEqualTo(reference.keySet());
        long rows = 0;
        for (Map.Entry<String, List<String>> table : reference.entrySet()) {
            List<String> after = actual.get(table.getKey());
            assertThat(difference(after, table.getValue()))
                    .as("%s rows missing %s", table.getKey(), run)
                    .isEmpty();
            assertThat(difference(table.getValue(), after))
                    .as("%s rows only %s", table.getKey(), run)
                    .isEmpty();
            assertThat(after).as(table.getKey()).isEqualTo(table.getValue());
            assertThat(new HashSet<>(after))
                    .as("no duplicate in " + table.getKey())
                    .hasSize(after.size());
            rows += after.size();
        }
        return rows;
    }

    /** The first rows of {@code expected} that {@code actual} lacks. */
    private static List<String> difference(List<String> actual, List<String> expected) {
        Set<String> present = new HashSet<>(actual);
        return expected.stream().filter(row -> !present.contains(row)).limit(5).toList();
    }
}
