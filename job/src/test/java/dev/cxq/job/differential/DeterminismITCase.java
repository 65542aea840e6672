package dev.cxq.job.differential;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The same file replayed ten times in a row, in batch and in streaming mode, gives byte-identical
 * tables ({@link TableDump#render()}), wall-clock columns aside. A small corpus here; the soak
 * profile replays a million events ({@link DifferentialSoakITCase}).
 */
class DeterminismITCase {

    private static final int EVENTS = 2_000;
    private static final int REPLAYS = 10;

    @TempDir Path dir;

    @Test
    @Timeout(1800)
    void tenReplaysInEachModeGiveByteIdenticalTables() throws Exception {
        Path corpus =
                DifferentialCorpus.write(
                        dir.resolve("corpus.jsonl"), DifferentialCorpus.generate(3, EVENTS));
        List<String> mismatches = new ArrayList<>();
        try (DifferentialRunner runner = new DifferentialRunner(dir)) {
            // Both modes run before the assertion, so a failing one does not hide the other.
            for (RunConfiguration config :
                    List.of(RunConfiguration.BATCH_P2, RunConfiguration.STREAMING_P2)) {
                DifferentialCheck.firstNonIdenticalReplay(runner, corpus, config, REPLAYS)
                        .ifPresent(mismatches::add);
            }
        }
        assertThat(mismatches).isEmpty();
    }
}
