package dev.cxq.job.cli;

import org.apache.flink.api.common.RuntimeExecutionMode;

import picocli.CommandLine.Option;

/**
 * How Flink runs a bounded input, at which parallelism, and how much heap the session operator may
 * spend to save state accesses.
 */
final class ExecutionCliOptions {

    static final String EXECUTION_MODE = "--execution-mode";

    @Config(key = "execution.mode", rule = "batch or streaming")
    @Option(
            names = EXECUTION_MODE,
            defaultValue = "batch",
            description =
                    "Flink runtime mode of the bounded replay: batch or streaming (same results).")
    String executionMode;

    static final String PARALLELISM = "--parallelism";

    @Config(key = "execution.parallelism", rule = "1 or more")
    @Option(names = PARALLELISM, defaultValue = "2", description = "Parallelism of every operator.")
    int parallelism;

    static final String QUIET_SAMPLES_HELD = "--quiet-samples-held";

    // About 470 bytes each on the heap (HeldEvents): 47 MB of the task heap per subtask.
    @Config(key = "execution.quiet-samples-held", rule = "0 or more")
    @Option(
            names = QUIET_SAMPLES_HELD,
            defaultValue = "100000",
            description =
                    "Per subtask, the most healthy samples of quiet sessions kept on the heap until"
                            + " their session's next deadline (about 470 bytes each), so that a"
                            + " session's state is read and written once per batch instead of once"
                            + " per sample; 0 keeps none. Outputs do not depend on it. Size it to"
                            + " about 10 per session of a subtask.")
    int quietSamplesHeld;

    RuntimeExecutionMode replayMode() {
        return executionMode.equals("streaming")
                ? RuntimeExecutionMode.STREAMING
                : RuntimeExecutionMode.BATCH;
    }

    void validate(Problems problems) {
        if (!executionMode.equals("batch") && !executionMode.equals("streaming")) {
            problems.add(
                    problems.name(EXECUTION_MODE)
                            + " must be batch or streaming: "
                            + executionMode);
        }
        problems.atLeast(PARALLELISM, parallelism, 1);
        problems.atLeast(QUIET_SAMPLES_HELD, quietSamplesHeld, 0);
    }
}
