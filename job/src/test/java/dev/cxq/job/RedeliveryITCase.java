package dev.cxq.job;

import dev.cxq.job.testing.RedeliveryInputs;
import dev.cxq.job.testing.SharedMiniCluster;
import dev.cxq.job.testing.TopologyReplay;

import org.apache.flink.api.common.RuntimeExecutionMode;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A redelivery storm (every event again, Genesys events through the other envelope, some a third
 * time, all after their sessions ended) through the production topology leaves exactly the tables
 * of the clean delivery.
 */
@ExtendWith(SharedMiniCluster.class)
class RedeliveryITCase {

    /**
     * The record position ({@code source}) and the key derived from it differ between the two
     * files; received_at is wall-clock.
     */
    private static final Set<String> POSITION_COLUMNS =
            Set.of("source", "event_key", "received_at");

    @TempDir static Path dir;
    private static Path clean;
    private static Path storm;

    @BeforeAll
    static void writeInputs() throws Exception {
        clean = dir.resolve("clean.jsonl");
        storm = dir.resolve("storm.jsonl");
        RedeliveryInputs.writeClean(clean, 6, 12);
        RedeliveryInputs.writeStorm(clean, storm);
        assertThat(Files.readAllLines(storm).size())
                .isGreaterThan(2 * Files.readAllLines(clean).size() - 20);
    }

    private static Map<String, List<String>> replay(
            Path input, RuntimeExecutionMode mode, int parallelism) throws Exception {
        return TopologyReplay.run(input, mode, parallelism).snapshot(POSITION_COLUMNS);
    }

    @Test
    void aRedeliveryStormLeavesTheTablesOfTheCleanDeliveryInEveryModeAndParallelism()
            throws Exception {
        Map<String, List<String>> expected = replay(clean, RuntimeExecutionMode.BATCH, 1);
        // The canonical sessions and the NICE contact (its call-quality samples) made it in. The
        // Genesys conversation has no media samples: its interaction events reach the
        // interaction tables.
        assertThat(expected.get("session_quality"))
                .hasSize(7)
                .anyMatch(
                        row -> row.startsWith("{session_id=900001,") && row.contains("samples=2"));

        for (RuntimeExecutionMode mode :
                List.of(RuntimeExecutionMode.BATCH, RuntimeExecutionMode.STREAMING)) {
            for (int parallelism : List.of(1, 2)) {
                assertThat(replay(storm, mode, parallelism))
                        .as("storm, %s at parallelism %s", mode, parallelism)
                        .isEqualTo(expected);
            }
        }
    }
}
