package dev.cxq.job.differential;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One corpus through every {@link RunConfiguration}, each run's tables compared with the reference
 * row for row: the oracle's tables when there is an oracle, else those of the batch run at
 * parallelism 1.
 */
public final class DifferentialCheck {

    /** Differences listed per configuration in a failure message. */
    private static final int SHOWN = 10;

    private DifferentialCheck() {}

    /**
     * What one corpus gave.
     *
     * @param events the corpus's lines
     * @param reference what the runs were compared with
     * @param referenceRows the reference's rows per table
     * @param millis wall time of each run (database, job and dump)
     * @param differences the first differences of each run from the reference, empty when equal
     */
    public record Outcome(
            int events,
            String reference,
            Map<String, Integer> referenceRows,
            Map<RunConfiguration, Long> millis,
            Map<RunConfiguration, List<String>> differences) {

        public boolean allEqual() {
            return differences.values().stream().allMatch(List::isEmpty);
        }

        /** Every run with its time, then the differences of each run that has any. */
        public String report() {
            StringBuilder text = new StringBuilder();
            text.append(
                    String.format(
                            "%,d events, reference %s %s%n", events, reference, referenceRows));
            millis.forEach(
                    (config, ms) ->
                            text.append(
                                    String.format(
                                            "  %-28s %7.1f s  %s%n",
                                            config,
                                            ms / 1000.0,
                                            differences.getOrDefault(config, List.of()).isEmpty()
                                                    ? "equal"
                                                    : "DIFFERENT")));
            differences.forEach(
                    (config, lines) -> {
                        if (!lines.isEmpty()) {
                            text.append(config)
                                    .append(" (")
                                    .append(config.description())
                                    .append("), first differences:\n");
                            lines.forEach(line -> text.append("    ").append(line).append('\n'));
                        }
                    });
            return text.toString();
        }
    }

    /**
     * Generates the corpus of {@code seed}, writes it under {@code dir} and runs it in every
     * configuration.
     */
    public static Outcome run(DifferentialRunner runner, Path dir, long seed, int targetEvents)
            throws Exception {
        List<String> lines = DifferentialCorpus.generate(seed, targetEvents);
        Path corpus = DifferentialCorpus.write(dir.resolve("corpus-" + seed + ".jsonl"), lines);
        Map<RunConfiguration, Long> millis = new EnumMap<>(RunConfiguration.class);
        Map<RunConfiguration, List<String>> differences = new EnumMap<>(RunConfiguration.class);

        Optional<TableDump> oracle = DifferentialCorpus.oracle(lines);
        TableDump reference;
        String referenceName;
        if (oracle.isPresent()) {
            reference = oracle.get();
            referenceName = "oracle";
        } else {
            long start = System.nanoTime();
            reference = runner.run(corpus, RunConfiguration.BATCH_P1, 0);
            millis.put(RunConfiguration.BATCH_P1, (System.nanoTime() - start) / 1_000_000);
            differences.put(RunConfiguration.BATCH_P1, List.of());
            referenceName = "the run " + RunConfiguration.BATCH_P1;
        }
        long writes = DifferentialRunner.writesAtLeast(reference);
        for (RunConfiguration config : RunConfiguration.values()) {
            if (millis.containsKey(config)) {
                continue;
            }
            long start = System.nanoTime();
            TableDump actual = runner.run(corpus, config, writes);
            millis.put(config, (System.nanoTime() - start) / 1_000_000);
            differences.put(
                    config,
                    config.comparable(actual).differencesFrom(config.comparable(reference), SHOWN));
            System.out.printf(
                    "differential seed %d: %s in %.1f s, %d differences shown%n",
                    seed, config, millis.get(config) / 1000.0, differences.get(config).size());
        }
        return new Outcome(lines.size(), referenceName, reference.rowCounts(), millis, differences);
    }

    /**
     * Runs {@code corpus} {@code times} times in a row in {@code config} and compares each run's
     * {@link TableDump#render()} with the first run's, byte for byte.
     *
     * @return empty when all are identical, else the first run that is not, with its first
     *     differences
     */
    public static Optional<String> firstNonIdenticalReplay(
            DifferentialRunner runner, Path corpus, RunConfiguration config, int times)
            throws Exception {
        TableDump first = runner.run(corpus, config, 0);
        byte[] firstBytes = first.render().getBytes(StandardCharsets.UTF_8);
        for (int replay = 2; replay <= times; replay++) {
            long start = System.nanoTime();
            TableDump again = runner.run(corpus, config, 0);
            System.out.printf(
                    "determinism %s: replay %d of %d in %.1f s%n",
                    config, replay, times, (System.nanoTime() - start) / 1e9);
            if (!Arrays.equals(firstBytes, again.render().getBytes(StandardCharsets.UTF_8))) {
                return Optional.of(
                        config
                                + ": replay "
                                + replay
                                + " of "
                                + times
                                + " differs from the first: "
                                + String.join("\n    ", again.differencesFrom(first, SHOWN)));
            }
        }
        return Optional.empty();
    }
}
