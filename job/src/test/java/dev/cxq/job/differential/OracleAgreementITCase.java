package dev.cxq.job.differential;

import dev.cxq.job.testing.PostgresTestDatabase;

import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A generated corpus replayed through the production job (BATCH, parallelism 1) into PostgreSQL
 * gives exactly the rows the {@link ContractOracle} computes from the contract.
 *
 * <p>The corpus has events within and beyond the watermark bound; the job decides lateness in
 * arrival order per split, also in BATCH execution, as the oracle does.
 */
class OracleAgreementITCase {

    private static final int EVENTS = 20_000;
    private static final int METRIC_VERSION = 1;

    @TempDir Path dir;

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1L, 2L})
    void theJobWritesWhatTheContractSays(long seed) throws Exception {
        List<String> lines = CorpusGenerator.generate(seed, EVENTS);
        Path input = dir.resolve("corpus-" + seed + ".jsonl");
        Files.write(input, lines);
        String source = input.toUri().getPath();

        TableDump expected = ContractOracle.compute(lines, METRIC_VERSION, source);
        assertThat(expected.rows("late_events").values())
                .as("events beyond the bound, late in every execution mode")
                .anyMatch(row -> !row.get("kind").equals("recording"));

        TableDump actual;
        try (PostgresTestDatabase db = new PostgresTestDatabase()) {
            db.replay(
                    input,
                    "--execution-mode",
                    "batch",
                    "--parallelism",
                    "1",
                    "--metric-version",
                    Integer.toString(METRIC_VERSION));
            actual =
                    DifferentialCorpus.asTheOracleSeesIt(
                            PostgresDump.of(db.url(), PostgresTestDatabase.USER));
        }
        List<String> differences = actual.differencesFrom(expected, Integer.MAX_VALUE);
        Files.write(Path.of("target", "oracle-differences-" + seed + ".txt"), differences);
        assertThat(differences.subList(0, Math.min(60, differences.size())))
                .as(
                        "job %s vs oracle %s, first of %s differences (all in target/)",
                        actual.rowCounts(), expected.rowCounts(), differences.size())
                .isEmpty();
    }
}
