package dev.cxq.job;

import dev.cxq.job.cli.CxqMain;
import dev.cxq.job.testing.CorruptPayloads;
import dev.cxq.job.testing.InteractionInputs;
import dev.cxq.job.testing.PostgresTestDatabase;
import dev.cxq.job.testing.ReplayInputs;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * 10,000 corrupted payloads mixed into a valid stream: the job succeeds, every corrupted record is
 * in {@code rejected_events} with a reason, and every other table equals that of the clean stream.
 */
class BadInputSoakITCase {

    private static final int CORRUPTED = 10_000;
    private static final long SEED = 20261122L;

    @TempDir Path dir;

    @Test
    void corruptedPayloadsAreRejectedAndLeaveTheValidResultsUnchanged() throws Exception {
        Path clean = dir.resolve("clean.jsonl");
        ReplayInputs.writeMixed(clean, 40, 60);
        InteractionInputs.append(clean);
        List<String> cleanLines =
                Files.readAllLines(clean, StandardCharsets.UTF_8).stream()
                        .filter(line -> !line.isBlank())
                        .toList();

        // Corruptions of valid lines, inserted at random places; the valid lines keep their order.
        Path soak = dir.resolve("soak.jsonl");
        Random random = new Random(SEED);
        CorruptPayloads corruptions = new CorruptPayloads(SEED);
        Map<CorruptPayloads.Kind, Integer> byKind = new EnumMap<>(CorruptPayloads.Kind.class);
        Map<Integer, Integer> corruptedBefore = new HashMap<>();
        for (int i = 0; i < CORRUPTED; i++) {
            corruptedBefore.merge(random.nextInt(cleanLines.size() + 1), 1, Integer::sum);
        }
        try (BufferedWriter out = Files.newBufferedWriter(soak, StandardCharsets.UTF_8)) {
            for (int i = 0; i <= cleanLines.size(); i++) {
                for (int c = corruptedBefore.getOrDefault(i, 0); c > 0; c--) {
                    String valid = cleanLines.get(random.nextInt(cleanLines.size()));
                    CorruptPayloads.Corrupted corrupted = corruptions.corrupt(valid);
                    byKind.merge(corrupted.kind(), 1, Integer::sum);
                    out.write(corrupted.payload());
                    out.newLine();
                }
                if (i < cleanLines.size()) {
                    out.write(cleanLines.get(i));
                    out.newLine();
                }
            }
        }
        assertThat(byKind.keySet()).containsAll(List.of(CorruptPayloads.Kind.values()));

        Map<String, List<String>> cleanTables;
        long cleanRejected;
        try (PostgresTestDatabase db = new PostgresTestDatabase()) {
            replay(db, clean);
            cleanTables = db.snapshot(Set.of("received_at", "source", "event_key"));
            cleanRejected = count(db, "SELECT count(*) FROM rejected_events");
        }
        try (PostgresTestDatabase db = new PostgresTestDatabase()) {
            replay(db, soak);
            Map<String, List<String>> soakTables =
                    db.snapshot(Set.of("received_at", "source", "event_key"));

            assertThat(count(db, "SELECT count(*) FROM rejected_events"))
                    .as("rejected: the clean stream's own bad lines and every corruption")
                    .isEqualTo(cleanRejected + CORRUPTED);
            assertThat(count(db, "SELECT count(*) FROM rejected_events WHERE reason = ''"))
                    .isZero();
            Map<String, Long> reasons = reasonCounts(db);
            System.out.printf(
                    "Bad-input soak: %d valid lines, %d corrupted %s, reasons %s%n",
                    cleanLines.size(), CORRUPTED, byKind, reasons);

            for (String table : cleanTables.keySet()) {
                if (!table.equals("rejected_events")) {
                    assertThat(soakTables.get(table)).as(table).isEqualTo(cleanTables.get(table));
                }
            }
            assertThat(cleanTables.get("session_quality")).isNotEmpty();
            assertThat(cleanTables.get("computed_metrics")).isNotEmpty();
        }
    }

    private static void replay(PostgresTestDatabase db, Path input) {
        assertThat(
                        CxqMain.run(
                                "--input",
                                input.toString(),
                                "--jdbc-url",
                                db.url(),
                                "--jdbc-user",
                                PostgresTestDatabase.USER,
                                "--parallelism",
                                "2"))
                .as("exit code")
                .isZero();
    }

    private static long count(PostgresTestDatabase db, String sql) throws Exception {
        try (Connection c = db.connect();
                Statement st = c.createStatement();
                ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static Map<String, Long> reasonCounts(PostgresTestDatabase db) throws Exception {
        Map<String, Long> reasons = new HashMap<>();
        try (Connection c = db.connect();
                Statement st = c.createStatement();
                ResultSet rs =
                        st.executeQuery(
                                "SELECT reason, count(*) FROM rejected_events GROUP BY reason")) {
            while (rs.next()) {
                reasons.put(rs.getString(1), rs.getLong(2));
            }
        }
        return reasons;
    }
}
