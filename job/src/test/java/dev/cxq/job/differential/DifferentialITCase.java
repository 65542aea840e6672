package dev.cxq.job.differential;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The project's main correctness net: one corpus of more than 50,000 events through every execution
 * configuration ({@link RunConfiguration}: batch at parallelism 1, 2 and 4, streaming, streaming
 * with failures and a restore from a retained checkpoint, Kafka with every record delivered twice),
 * each into its own database; every table, the webhook delivery log included, must equal the
 * oracle's row for row, and the local webhook receiver must have got one call per alert transition.
 * The soak profile runs the same at a million events and several seeds ({@link
 * DifferentialSoakITCase}).
 */
class DifferentialITCase {

    private static final long SEED = 1;
    private static final int EVENTS = 50_000;

    @TempDir Path dir;

    @Test
    @Timeout(1800)
    void everyConfigurationWritesTheReferenceTables() throws Exception {
        DifferentialCheck.Outcome outcome;
        try (DifferentialRunner runner = new DifferentialRunner(dir)) {
            outcome = DifferentialCheck.run(runner, dir, SEED, EVENTS);
        }
        System.out.print(outcome.report());

        assertThat(outcome.events()).isGreaterThanOrEqualTo(EVENTS);
        assertThat(outcome.referenceRows())
                .as("the oracle has rows in every table it computes, so each table is compared")
                .allSatisfy((table, rows) -> assertThat(rows).as(table).isPositive());
        assertThat(outcome.allEqual()).as(outcome.report()).isTrue();
    }
}
