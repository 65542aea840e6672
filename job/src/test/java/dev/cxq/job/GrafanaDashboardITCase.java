package dev.cxq.job;

import dev.cxq.job.testing.PostgresTestDatabase;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every SQL query of the Grafana dashboard ({@code deploy/grafana/dashboards/cxq.json}) runs
 * against the real tables and views of a freshly migrated database with the bundled sample replayed
 * into it, Grafana's macros expanded as Grafana's PostgreSQL datasource expands them.
 */
class GrafanaDashboardITCase {

    private static final Path DASHBOARD =
            Path.of("..", "deploy", "grafana", "dashboards", "cxq.json");
    private static final Path SAMPLE = Path.of("..", "deploy", "samples", "events.jsonl");

    /** The dashboard's time range: the sample's day. */
    private static final String FROM = "'2026-03-09T00:00:00Z'";

    private static final String TO = "'2026-03-10T00:00:00Z'";

    /**
     * Panels the sample gives rows to: a query that reads the wrong column or view returns none.
     */
    private static final List<String> PANELS_WITH_SAMPLE_ROWS =
            List.of(
                    "Alerts fired by type",
                    "MOS distribution (sessions ended in range)",
                    "Packet loss distribution (worst sample per session)",
                    "Recording compliance per day",
                    "Handle time per agent (latest hour)");

    @Test
    void everyPanelQueryRunsOnTheJobsTablesAndViews() throws Exception {
        Map<String, String> queries = sqlQueries();
        assertThat(queries).as("SQL panels").hasSizeGreaterThan(6);
        Map<String, Integer> rows = new LinkedHashMap<>();
        try (PostgresTestDatabase db = new PostgresTestDatabase()) {
            db.migrate();
            db.replay(SAMPLE);
            try (Connection c = db.connect();
                    Statement st = c.createStatement()) {
                for (Map.Entry<String, String> query : queries.entrySet()) {
                    String sql = expandMacros(query.getValue());
                    int count = 0;
                    try (ResultSet rs = st.executeQuery(sql)) {
                        while (rs.next()) {
                            count++;
                        }
                    } catch (SQLException e) {
                        throw new AssertionError(
                                "panel \"" + query.getKey() + "\": " + e.getMessage() + "\n" + sql,
                                e);
                    }
                    rows.put(query.getKey(), count);
                }
            }
        }
        for (String panel : PANELS_WITH_SAMPLE_ROWS) {
            assertThat(rows.get(panel))
                    .as("rows of panel \"%s\" (all: %s)", panel, rows)
                    .isPositive();
        }
    }

    @Test
    void macrosAreExpandedAsGrafanaDoes() {
        assertThat(
                        expandMacros(
                                "SELECT $__timeGroupAlias(t, '5m'), x FROM y WHERE $__timeFilter(t)"))
                .isEqualTo(
                        "SELECT floor(extract(epoch from t)/300)*300 AS \"time\", x"
                                + " FROM y WHERE t BETWEEN "
                                + FROM
                                + " AND "
                                + TO);
        assertThat(expandMacros("SELECT $__time(a.b) FROM c"))
                .isEqualTo("SELECT a.b AS \"time\" FROM c");
    }

    /** Panel title → its SQL (one per panel; a second query gets the refId appended). */
    private static Map<String, String> sqlQueries() throws Exception {
        Map<String, String> queries = new LinkedHashMap<>();
        for (JsonNode panel : new ObjectMapper().readTree(DASHBOARD.toFile()).path("panels")) {
            for (JsonNode target : panel.path("targets")) {
                if (target.has("rawSql")) {
                    String title = panel.path("title").asText();
                    queries.put(
                            queries.containsKey(title)
                                    ? title + " " + target.path("refId").asText()
                                    : title,
                            target.path("rawSql").asText());
                }
            }
        }
        return queries;
    }

    private static final Pattern TIME_FILTER =
            Pattern.compile("\\$__timeFilter\\(([^()]*(?:\\([^()]*\\))?[^()]*)\\)");
    private static final Pattern TIME_GROUP_ALIAS =
            Pattern.compile("\\$__timeGroupAlias\\(([^,]+),\\s*'(\\d+)([smh])'\\)");
    private static final Pattern TIME = Pattern.compile("\\$__time\\(([^()]+)\\)");

    /**
     * Grafana's PostgreSQL macros used by the dashboard; any other macro fails, so that a new one
     * is added here (with Grafana's expansion) before the dashboard uses it.
     */
    static String expandMacros(String sql) {
        String out =
                TIME_FILTER
                        .matcher(sql)
                        .replaceAll(
                                m ->
                                        Matcher.quoteReplacement(
                                                m.group(1) + " BETWEEN " + FROM + " AND " + TO));
        out =
                TIME_GROUP_ALIAS
                        .matcher(out)
                        .replaceAll(
                                m -> {
                                    long seconds =
                                            Long.parseLong(m.group(2))
                                                    * switch (m.group(3)) {
                                                        case "s" -> 1;
                                                        case "m" -> 60;
                                                        default -> 3600;
                                                    };
                                    return Matcher.quoteReplacement(
                                            "floor(extract(epoch from "
                                                    + m.group(1)
                                                    + ")/"
                                                    + seconds
                                                    + ")*"
                                                    + seconds
                                                    + " AS \"time\"");
                                });
        out =
                TIME.matcher(out)
                        .replaceAll(m -> Matcher.quoteReplacement(m.group(1) + " AS \"time\""));
        assertThat(out).as("a Grafana macro this test does not expand").doesNotContain("$__");
        return out;
    }
}
