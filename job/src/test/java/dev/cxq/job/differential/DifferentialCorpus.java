package dev.cxq.job.differential;

import dev.cxq.job.testing.ReplayInputs;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.stream.Stream;

/**
 * The corpus and the expected tables of the differential tests: the one place where the corpus
 * generator and the contract oracle plug in.
 *
 * <p>Until they are merged, the corpus is {@link ReplayInputs#writeOrderedStream} (media sessions,
 * the interaction scenarios, bad lines) with a seeded share of its lines delivered a second time
 * later in the file, and there is no oracle: the batch run at parallelism 1 is the reference.
 */
public final class DifferentialCorpus {

    /** The {@code metric_version} the runs write (the command line's default). */
    public static final int METRIC_VERSION = 1;

    private static final int SAMPLES_PER_SESSION = 200;

    /** Share of the lines delivered a second time, up to {@link #REDELIVERY_DISTANCE} later. */
    private static final double REDELIVERED = 0.02;

    private static final int REDELIVERY_DISTANCE = 5_000;

    private DifferentialCorpus() {}

    /**
     * At least {@code targetEvents} JSON lines in arrival order; the same seed gives the same
     * lines. To be {@code CorpusGenerator.generate(seed, targetEvents)}.
     */
    public static List<String> generate(long seed, int targetEvents) throws IOException {
        Path dir = Files.createTempDirectory("cxq-corpus");
        try {
            int sessions = Math.max(1, targetEvents / (SAMPLES_PER_SESSION + 2) + 1);
            Path stream = ReplayInputs.writeOrderedStream(dir, sessions, SAMPLES_PER_SESSION);
            List<String> lines = Files.readAllLines(stream, StandardCharsets.UTF_8);
            return withRedeliveries(lines, new Random(seed));
        } finally {
            try (Stream<Path> files = Files.walk(dir)) {
                for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                    Files.delete(p);
                }
            }
        }
    }

    /**
     * The tables the contract expects of {@code lines}, or empty while there is no oracle (the
     * batch run at parallelism 1 is then the reference). To be {@code
     * Optional.of(ContractOracle.compute(lines, METRIC_VERSION))}.
     */
    public static Optional<TableDump> oracle(List<String> lines) {
        return Optional.empty();
    }

    /** Writes {@code lines} to {@code file}, one a line. */
    public static Path write(Path file, List<String> lines) throws IOException {
        return Files.write(file, lines, StandardCharsets.UTF_8);
    }

    /** Each line, and with probability {@link #REDELIVERED} its copy a little later. */
    private static List<String> withRedeliveries(List<String> lines, Random random) {
        List<List<String>> redeliveredAt = new ArrayList<>();
        for (int i = 0; i <= lines.size() + REDELIVERY_DISTANCE; i++) {
            redeliveredAt.add(null);
        }
        List<String> out = new ArrayList<>();
        for (int i = 0; i < redeliveredAt.size(); i++) {
            if (i < lines.size()) {
                out.add(lines.get(i));
                if (random.nextDouble() < REDELIVERED) {
                    int at = i + 1 + random.nextInt(REDELIVERY_DISTANCE);
                    if (redeliveredAt.get(at) == null) {
                        redeliveredAt.set(at, new ArrayList<>());
                    }
                    redeliveredAt.get(at).add(lines.get(i));
                }
            }
            if (redeliveredAt.get(i) != null) {
                out.addAll(redeliveredAt.get(i));
            }
        }
        return out;
    }
}
