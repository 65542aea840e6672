package dev.cxq.job.differential;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The differential harness at soak size: {@code cxq.soak.events} events (default 1,000,000) for
 * each seed of {@code cxq.soak.seeds} (default 1,2,3), through every configuration, then {@code
 * cxq.soak.replays} (default 10) replays of the first seed's corpus in batch and in streaming mode.
 * {@code cxq.soak.configurations} (comma-separated {@link RunConfiguration} names, default all)
 * narrows the first test, e.g. to time one configuration. Tagged {@code soak}: only {@code mvn
 * -Psoak} runs it (README, "Soak").
 */
@Tag("soak")
class DifferentialSoakITCase {

    private static final int EVENTS = Integer.getInteger("cxq.soak.events", 1_000_000);
    private static final int REPLAYS = Integer.getInteger("cxq.soak.replays", 10);
    private static final List<Long> SEEDS =
            Arrays.stream(System.getProperty("cxq.soak.seeds", "1,2,3").split(","))
                    .map(String::strip)
                    .map(Long::valueOf)
                    .toList();
    private static final Set<RunConfiguration> CONFIGURATIONS =
            configurations(System.getProperty("cxq.soak.configurations"));

    @TempDir Path dir;

    @Test
    void everyConfigurationWritesTheReferenceTablesForEverySeed() throws Exception {
        List<String> reports = new ArrayList<>();
        boolean allEqual = true;
        try (DifferentialRunner runner = new DifferentialRunner(dir)) {
            for (long seed : SEEDS) {
                DifferentialCheck.Outcome outcome =
                        DifferentialCheck.run(runner, dir, seed, EVENTS, CONFIGURATIONS);
                System.out.print("seed " + seed + ": " + outcome.report());
                reports.add("seed " + seed + ": " + outcome.report());
                allEqual &= outcome.allEqual();
            }
        }
        assertThat(allEqual).as(String.join("\n", reports)).isTrue();
    }

    @Test
    void replaysOfTheSameFileGiveByteIdenticalTables() throws Exception {
        assumeTrue(REPLAYS >= 2, "cxq.soak.replays below 2: nothing to compare");
        Path corpus =
                DifferentialCorpus.write(
                        dir.resolve("corpus.jsonl"),
                        DifferentialCorpus.generate(SEEDS.get(0), EVENTS));
        List<String> mismatches = new ArrayList<>();
        try (DifferentialRunner runner = new DifferentialRunner(dir)) {
            for (RunConfiguration config :
                    List.of(RunConfiguration.BATCH_P2, RunConfiguration.STREAMING_P2)) {
                DifferentialCheck.firstNonIdenticalReplay(runner, corpus, config, REPLAYS)
                        .ifPresent(mismatches::add);
            }
        }
        assertThat(mismatches).isEmpty();
    }

    private static Set<RunConfiguration> configurations(String names) {
        if (names == null || names.isBlank()) {
            return EnumSet.allOf(RunConfiguration.class);
        }
        Set<RunConfiguration> configurations = EnumSet.noneOf(RunConfiguration.class);
        for (String name : names.split(",")) {
            configurations.add(RunConfiguration.valueOf(name.strip()));
        }
        return configurations;
    }
}
