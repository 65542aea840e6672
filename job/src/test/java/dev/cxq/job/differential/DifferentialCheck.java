package dev.cxq.job.differential;

import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * One corpus through every {@link RunConfiguration}, each run's tables compared with the reference
 * row for row: the oracle's tables when there is an oracle, else those of the batch run at
 * parallelism 1.
 */
public final class DifferentialCheck {

    /** Differences listed per table and configuration in a failure message. */
    private static final int SHOWN = 5;

    /**
     * Where every difference of a run is listed (the module's target directory), and each seed's
     * runs with their times and number of differences ({@code seed-<seed>.txt}).
     */
    private static final Path REPORTS = Path.of("target", "differential");

    private DifferentialCheck() {}

    /**
     * What one corpus gave.
     *
     * @param events the corpus's lines
     * @param reference what the runs were compared with
     * @param referenceRows the reference's rows per table
     * @param millis wall time of each run (database, job and dump)
     * @param cpuMillis CPU time of the test JVM (MiniCluster, Kafka broker and the harness) during
     *     each run: on a shared machine a steadier figure than the wall time
     * @param differences the first differences of each run from the reference, empty when equal
     */
    public record Outcome(
            int events,
            String reference,
            Map<String, Integer> referenceRows,
            Map<RunConfiguration, Long> millis,
            Map<RunConfiguration, Long> cpuMillis,
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
                                            "  %-28s %7.1f s wall %7.1f s CPU  %s%n",
                                            config,
                                            ms / 1000.0,
                                            cpuMillis.get(config) / 1000.0,
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
        return run(runner, dir, seed, targetEvents, EnumSet.allOf(RunConfiguration.class));
    }

    /**
     * {@link #run} in {@code configurations} only (and the reference run when there is no oracle).
     */
    public static Outcome run(
            DifferentialRunner runner,
            Path dir,
            long seed,
            int targetEvents,
            Set<RunConfiguration> configurations)
            throws Exception {
        List<String> lines = DifferentialCorpus.generate(seed, targetEvents);
        Path corpus = DifferentialCorpus.write(dir.resolve("corpus-" + seed + ".jsonl"), lines);
        Map<RunConfiguration, Long> millis = new EnumMap<>(RunConfiguration.class);
        Map<RunConfiguration, Long> cpuMillis = new EnumMap<>(RunConfiguration.class);
        Map<RunConfiguration, List<String>> differences = new EnumMap<>(RunConfiguration.class);

        // The file's reference; the Kafka configuration's differs in which events are late.
        TableDump reference = DifferentialCorpus.oracle(lines, corpus, RunConfiguration.BATCH_P1);
        String referenceName = "oracle";
        long writes = DifferentialRunner.writesAtLeast(reference);
        Path summary = REPORTS.resolve("seed-" + seed + ".txt");
        Files.createDirectories(REPORTS);
        Files.writeString(
                summary,
                String.format(
                        "%,d events, reference %s %s%n",
                        lines.size(), referenceName, reference.rowCounts()),
                StandardCharsets.UTF_8);
        for (RunConfiguration config : RunConfiguration.values()) {
            if (millis.containsKey(config) || !configurations.contains(config)) {
                continue;
            }
            TableDump actual =
                    DifferentialCorpus.asTheOracleSeesIt(
                            timed(runner, corpus, config, writes, millis, cpuMillis));
            TableDump expected =
                    config == RunConfiguration.KAFKA_REDELIVERED
                            ? DifferentialCorpus.oracle(lines, corpus, config)
                            : reference;
            List<String> all =
                    new ArrayList<>(
                            config.comparable(actual)
                                    .differencesFrom(
                                            config.comparable(expected), Integer.MAX_VALUE));
            all.addAll(
                    receiverDifferences(
                            ContractOracle.idempotencyKeys(expected),
                            runner.receivedIdempotencyKeys()));
            differences.put(config, perTable(all));
            if (!all.isEmpty()) {
                Path file = REPORTS.resolve("seed-" + seed + "-" + config + ".txt");
                Files.write(file, all, StandardCharsets.UTF_8);
                System.out.printf("%d differences of %s listed in %s%n", all.size(), config, file);
            }
            String line =
                    String.format(
                            "differential seed %d: %s in %.1f s (%.1f s CPU), %d differences%n",
                            seed,
                            config,
                            millis.get(config) / 1000.0,
                            cpuMillis.get(config) / 1000.0,
                            all.size());
            System.out.print(line);
            // Kept as each run ends: a test JVM that dies later still leaves the finished runs.
            Files.writeString(summary, line, StandardCharsets.UTF_8, StandardOpenOption.APPEND);
        }
        return new Outcome(
                lines.size(), referenceName, reference.rowCounts(), millis, cpuMillis, differences);
    }

    /** {@link DifferentialRunner#run}, recording its wall and CPU time. */
    private static TableDump timed(
            DifferentialRunner runner,
            Path corpus,
            RunConfiguration config,
            long referenceWrites,
            Map<RunConfiguration, Long> millis,
            Map<RunConfiguration, Long> cpuMillis)
            throws Exception {
        long start = System.nanoTime();
        long cpuStart = processCpuNanos();
        TableDump dump = runner.run(corpus, config, referenceWrites);
        millis.put(config, (System.nanoTime() - start) / 1_000_000);
        cpuMillis.put(config, (processCpuNanos() - cpuStart) / 1_000_000);
        return dump;
    }

    /**
     * What the webhook receiver got against the expected calls, by idempotency key: one line per
     * key expected and not received, or received and not expected.
     */
    private static List<String> receiverDifferences(Set<String> expected, Set<String> received) {
        List<String> out = new ArrayList<>();
        for (String key : expected) {
            if (!received.contains(key)) {
                out.add("webhook_receiver [" + key + "] expected, not received");
            }
        }
        for (String key : received) {
            if (!expected.contains(key)) {
                out.add("webhook_receiver [" + key + "] received, not expected");
            }
        }
        return out;
    }

    /**
     * The number of differences per table, then the first {@link #SHOWN} of each table, so that
     * many differences in one table do not hide those of another.
     */
    private static List<String> perTable(List<String> differences) {
        Map<String, List<String>> byTable = new TreeMap<>();
        for (String line : differences) {
            byTable.computeIfAbsent(line.substring(0, line.indexOf(' ')), t -> new ArrayList<>())
                    .add(line);
        }
        List<String> summary = new ArrayList<>();
        byTable.forEach(
                (table, lines) -> {
                    summary.add(table + ": " + lines.size() + " differences");
                    lines.stream().limit(SHOWN).forEach(line -> summary.add("  " + line));
                });
        return summary;
    }

    private static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean)
                        ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
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
