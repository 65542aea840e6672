package dev.cxq.job.differential;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Optional;

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
    @Timeout(900)
    void tenReplaysInEachModeGiveByteIdenticalTables() throws Exception {
        Path corpus =
                DifferentialCorpus.write(
                        dir.resolve("corpus.jsonl"), DifferentialCorpus.generate(3, EVENTS));
        try (DifferentialRunner runner = new DifferentialRunner(dir)) {
            for (RunConfiguration config :
                    new RunConfiguration[] {
                        RunConfiguration.BATCH_P2, RunConfiguration.STREAMING_P2
                    }) {
                Optional<String> mismatch =
                        DifferentialCheck.firstNonIdenticalReplay(runner, corpus, config, REPLAYS);
                assertThat(mismatch).as(config.description()).isEmpty();
            }
        }
    }
}
