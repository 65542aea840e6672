package dev.cxq.job.sink;

import dev.cxq.job.testing.PostgresTestDatabase;
import dev.cxq.udf.rows.QualityAlert;

import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;

import static org.assertj.core.api.Assertions.assertThat;

/** The {@code quality_alerts} upsert against PostgreSQL: states only move forward. */
class QualityAlertsUpsertITCase {

    private static QualityAlert row(String state, Long resolvedAt) {
        return new QualityAlert(
                "k1",
                "s1",
                "a1",
                "q1",
                "degradation",
                "high",
                state,
                1_000L,
                31_000L,
                resolvedAt,
                3.0,
                false,
                5.0,
                0.1,
                40.0,
                null,
                "mos<3.5");
    }

    private static void write(Connection c, QualityAlert alert) throws Exception {
        Table<QualityAlert> table = CxqTables.QUALITY_ALERTS;
        try (PreparedStatement st = c.prepareStatement(table.upsertSql())) {
            table.bind(st, alert, 1);
            st.executeUpdate();
        }
    }

    private static String stateOf(Connection c) throws Exception {
        try (Statement st = c.createStatement();
                ResultSet rs =
                        st.executeQuery(
                                "SELECT state, resolved_at IS NOT NULL FROM quality_alerts"
                                        + " WHERE incident_key = 'k1'")) {
            assertThat(rs.next()).isTrue();
            return rs.getString(1) + (rs.getBoolean(2) ? "@resolved_at" : "");
        }
    }

    @Test
    void aReplayedFiringRowNeverReopensAResolvedAlert() throws Exception {
        try (PostgresTestDatabase db = new PostgresTestDatabase()) {
            db.migrate();
            try (Connection c = db.connect()) {
                write(c, row("firing", null));
                assertThat(stateOf(c)).isEqualTo("firing");
                write(c, row("firing", null));
                assertThat(stateOf(c)).isEqualTo("firing");
                write(c, row("resolved", 61_000L));
                assertThat(stateOf(c)).isEqualTo("resolved@resolved_at");
                // A retried batch or a replay writes the firing row again, after the resolution.
                write(c, row("firing", null));
                assertThat(stateOf(c)).isEqualTo("resolved@resolved_at");
                write(c, row("resolved", 61_000L));
                assertThat(stateOf(c)).isEqualTo("resolved@resolved_at");
            }
        }
    }
}
