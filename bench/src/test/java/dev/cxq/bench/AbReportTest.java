package dev.cxq.bench;

import dev.cxq.bench.AbCommand.Input;
import dev.cxq.bench.AbCommand.JobRun;
import dev.cxq.bench.AbCommand.Side;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** CEP is compared with the run of the path on CEP's own input, not with the A/B's path runs. */
class AbReportTest {

    private static final Input MAIN = new Input(5000, 60);
    private static final Input CEP_INPUT = new Input(1000, 60);
    private static final LoadAverage QUIET = new LoadAverage(0, 0, 0);

    @Test
    void pathAgainstCepTakesThePathRunOnCepsInput() {
        List<JobRun> runs = new ArrayList<>();
        runs.add(run(BenchJob.CXQ, Side.A, MAIN, 1_000));
        runs.add(run(BenchJob.CXQ, Side.B, MAIN, 1_000));
        runs.add(run(BenchJob.QUALITY_PATH, Side.A, MAIN, 2_000));
        runs.add(run(BenchJob.QUALITY_PATH, Side.B, MAIN, 2_000));
        runs.add(run(BenchJob.QUALITY_PATH, Side.B, CEP_INPUT, 3_000));
        runs.add(run(BenchJob.CEP, Side.B, CEP_INPUT, 1_000));
        runs.add(run(BenchJob.INPUT_STAGE, Side.B, CEP_INPUT, 4_000));

        String page =
                new AbReport(
                                MAIN,
                                CEP_INPUT,
                                1,
                                "a1784a6",
                                "2g",
                                new BusyRule(1.0, 0.25),
                                QUIET,
                                QUIET,
                                runs,
                                List.of(),
                                List.of(),
                                null)
                        .markdown();

        assertThat(page)
                .contains("| media-quality path B ≥ 2× CEP, rocksdb | 3.00× (3.00–3.00) | yes |")
                .contains("CEP and the path it is compared with")
                .contains("| 4.00× (4.00–4.00) | 3.00× (3.00–3.00) |")
                .contains("1,000 sessions × 60 steps")
                .contains(
                        "| 1 | cxq media-quality path, 1,000 sessions × 60 steps | rocksdb | B |");
    }

    /**
     * A run on {@code input} of one second of CPU, half of it for the second half of the input, and
     * {@code perCpuSecond} events per second.
     */
    private static JobRun run(BenchJob job, Side side, Input input, long perCpuSecond) {
        Timed timed = new Timed(perCpuSecond, 1, 1, 1, 0, 1, 0.5, 0);
        RunResult result =
                new RunResult(job, "rocksdb", timed, 0, Double.NaN, Double.NaN, Map.of());
        return new JobRun(1, job, "rocksdb", side, input, QUIET, QUIET, result, null);
    }
}
