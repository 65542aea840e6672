package dev.cxq.job.sink;

import dev.cxq.job.db.PostgresConnection;
import dev.cxq.job.testing.PostgresTestDatabase;
import dev.cxq.job.testing.SharedMiniCluster;
import dev.cxq.udf.rows.ComputedMetric;

import org.apache.flink.api.common.RuntimeExecutionMode;
import org.apache.flink.api.common.typeinfo.TypeHint;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Rows PostgreSQL refuses as data, among valid ones in one batch: the job finishes, the valid rows
 * are written, each refused row is in {@code refused_rows} with its SQLSTATE.
 */
@ExtendWith(SharedMiniCluster.class)
class DeadLetteringJdbcSinkITCase {

    private static final long T0 = 1_773_064_800_000L;

    private static ComputedMetric metric(String id, long ts, String agent, String metadata) {
        return new ComputedMetric(id, "aht", ts, agent, 1.0, metadata, 1);
    }

    @Test
    void refusedRowsAreDeadLetteredAndTheRestOfTheBatchIsWritten() throws Exception {
        List<ComputedMetric> rows = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            rows.add(metric("ok-" + i, T0 + i, "agent-1", "{}"));
        }
        // NUL in text (22021), a NUL escape in jsonb (22P05), a year PostgreSQL cannot hold
        // (22008), JSON PostgreSQL refuses as jsonb (22P02).
        rows.add(20, metric("nul-agent", T0, "agent-\u0000", "{}"));
        rows.add(30, metric("nul-jsonb", T0, "agent-1", "{\"x\":\"\\u0000\"}"));
        rows.add(40, metric("year-300000", 9_400_000_000_000_000L, "agent-1", "{}"));

        try (PostgresTestDatabase db = new PostgresTestDatabase()) {
            db.migrate();
            StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
            env.setRuntimeMode(RuntimeExecutionMode.BATCH);
            env.setParallelism(1);
            env.fromData(rows, TypeInformation.of(new TypeHint<ComputedMetric>() {}))
                    .sinkTo(
                            new JdbcSinks(
                                            PostgresConnection.of(
                                                    db.url(), PostgresTestDatabase.USER, null),
                                            1)
                                    .sink(CxqTables.COMPUTED_METRICS))
                    .uid("sink")
                    .name("computed_metrics");
            env.execute("dead-lettering sink");

            assertThat(db.queryLong("SELECT count(*) FROM computed_metrics")).isEqualTo(50);
            assertThat(
                            db.queryLong(
                                    "SELECT count(*) FROM computed_metrics"
                                            + " WHERE interaction_id LIKE 'ok-%'"))
                    .isEqualTo(50);
            Map<String, String> stateByKey = new HashMap<>();
            try (Connection c = db.connect();
                    Statement st = c.createStatement();
                    ResultSet rs =
                            st.executeQuery(
                                    "SELECT table_name, row_key, sqlstate, row_json"
                                            + " FROM refused_rows")) {
                while (rs.next()) {
                    assertThat(rs.getString(1)).isEqualTo("computed_metrics");
                    String key = rs.getString(2);
                    String id = key.substring(key.indexOf(":\"") + 2, key.indexOf("\","));
                    stateByKey.put(id, rs.getString(3));
                    assertThat(rs.getString(4)).contains(id);
                }
            }
            assertThat(stateByKey)
                    .containsOnlyKeys("nul-agent", "nul-jsonb", "year-300000")
                    .allSatisfy((id, state) -> assertThat(state).startsWith("22"));
        }
    }

    @Test
    void onlyDataErrorsAreDeadLettered() {
        assertThat(DeadLetteringJdbcSink.isDataError(new java.sql.SQLException("x", "22021")))
                .isTrue();
        assertThat(DeadLetteringJdbcSink.isDataError(new java.sql.SQLException("x", "23514")))
                .isTrue();
        assertThat(DeadLetteringJdbcSink.isDataError(new java.sql.SQLException("x", "23505")))
                .isFalse();
        assertThat(DeadLetteringJdbcSink.isDataError(new java.sql.SQLException("x", "08006")))
                .isFalse();
        assertThat(DeadLetteringJdbcSink.isDataError(new java.sql.SQLException("x", "57P01")))
                .isFalse();
        assertThat(DeadLetteringJdbcSink.isDataError(new java.sql.SQLException("x"))).isFalse();
    }
}
