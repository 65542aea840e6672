package dev.cxq.job.differential;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The corpus and the expected tables of the differential tests: the one place where the corpus
 * generator ({@link CorpusGenerator}) and the contract oracle ({@link ContractOracle}) plug in.
 */
public final class DifferentialCorpus {

    /** The {@code metric_version} the runs write (the command line's default). */
    public static final int METRIC_VERSION = 1;

    private DifferentialCorpus() {}

    /**
     * At least {@code targetEvents} JSON lines in arrival order, with events within and beyond the
     * watermark bound ({@link CorpusGenerator#generate}); the same seed gives the same.
     */
    public static List<String> generate(long seed, int targetEvents) {
        return CorpusGenerator.generate(seed, targetEvents);
    }

    /**
     * The tables the contract expects of {@code lines} replayed from {@code corpus} in {@code
     * config}: the file is one split; the Kafka configuration delivers the lines into partitions,
     * each its own split, in the order {@link DifferentialRunner#kafkaDeliveries} produces them.
     */
    public static TableDump oracle(List<String> lines, Path corpus, RunConfiguration config) {
        TableDump expected;
        if (config != RunConfiguration.KAFKA_REDELIVERED) {
            expected = ContractOracle.compute(lines, METRIC_VERSION, corpus.toUri().getPath());
        } else {
            List<ContractOracle.Delivery> deliveries = new ArrayList<>();
            Map<Integer, Integer> offsets = new HashMap<>();
            for (DifferentialRunner.KafkaDelivery record :
                    DifferentialRunner.kafkaDeliveries(lines)) {
                String split = "corpus/" + record.partition();
                int offset = offsets.merge(record.partition(), 1, Integer::sum) - 1;
                deliveries.add(
                        new ContractOracle.Delivery(split, split + "/" + offset, record.line()));
            }
            expected = ContractOracle.computeDelivered(deliveries, METRIC_VERSION);
        }
        ContractOracle.addDeliveries(expected, DifferentialRunner.WEBHOOK_ENDPOINT);
        return expected;
    }

    /**
     * A run's tables without {@code row_version}, the order guard of the upserts, which the
     * contract leaves to the implementation, and without the outbox's {@code body}, whose fields
     * the webhook tests check (the oracle models one outbox row per transition, not its JSON).
     */
    public static TableDump asTheOracleSeesIt(TableDump run) {
        return run.withoutColumns(Set.of("row_version", "body"));
    }

    /** Writes {@code lines} to {@code file}, one a line. */
    public static Path write(Path file, List<String> lines) throws IOException {
        return Files.write(file, lines, StandardCharsets.UTF_8);
    }
}
