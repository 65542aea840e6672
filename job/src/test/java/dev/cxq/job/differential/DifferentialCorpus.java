package dev.cxq.job.differential;

import dev.cxq.job.testing.InteractionInputs;
import dev.cxq.job.testing.ReplayInputs;
import dev.cxq.job.testing.TimeOrderedMerge;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
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
 * <p>Until they are merged, the corpus is the media sessions and bad lines of {@link
 * ReplayInputs#writeMixed} merged in event-time order with many copies of the {@link
 * InteractionInputs} scenarios, with a seeded share of its lines delivered a second time later in
 * the file, and there is no oracle: the batch run at parallelism 1 is the reference.
 */
public final class DifferentialCorpus {

    /** The {@code metric_version} the runs write (the command line's default). */
    public static final int METRIC_VERSION = 1;

    private static final int SAMPLES_PER_SESSION = 200;

    /** Events per copy of the interaction scenarios: about 30 of every 500 events are theirs. */
    private static final int EVENTS_PER_COPY = 500;

    private static final int COPY_SHIFT_SECONDS = 37;

    private static final ObjectMapper JSON = new ObjectMapper();

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
            Path samples = dir.resolve("samples.jsonl");
            ReplayInputs.writeMixed(samples, sessions, SAMPLES_PER_SESSION);
            Path interactions = dir.resolve("interactions.jsonl");
            writeInteractionCopies(interactions, Math.max(1, targetEvents / EVENTS_PER_COPY));
            Path stream = dir.resolve("stream.jsonl");
            TimeOrderedMerge.merge(stream, samples, interactions);
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

    /**
     * {@code copies} copies of the {@link InteractionInputs} scenarios, in event-time order: copy
     * {@code k} has its session, event, customer and recording ids suffixed with {@code -k} and its
     * times shifted by {@code k} × {@link #COPY_SHIFT_SECONDS}, so the copies are interactions of
     * their own that share agents, queues and KPI windows, and many rows (recording status, KPI
     * windows) are written more than once as late uploads correct them.
     */
    private static void writeInteractionCopies(Path file, int copies) throws IOException {
        Path scenarios = file.resolveSibling("scenarios.jsonl");
        InteractionInputs.append(scenarios);
        List<String> once = Files.readAllLines(scenarios, StandardCharsets.UTF_8);
        List<ObjectNode> all = new ArrayList<>();
        for (int k = 0; k < copies; k++) {
            for (String line : once) {
                ObjectNode event = (ObjectNode) JSON.readTree(line);
                for (String id : List.of("session_id", "event_id", "customer_id", "recording_id")) {
                    if (event.has(id)) {
                        event.put(id, event.get(id).asText() + "-" + k);
                    }
                }
                Instant ts = Instant.parse(event.get("ts").asText());
                event.put("ts", ts.plusSeconds((long) k * COPY_SHIFT_SECONDS).toString());
                all.add(event);
            }
        }
        all.sort(Comparator.comparing(event -> Instant.parse(event.get("ts").asText())));
        List<String> lines = new ArrayList<>();
        all.forEach(event -> lines.add(event.toString()));
        Files.write(file, lines, StandardCharsets.UTF_8);
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
