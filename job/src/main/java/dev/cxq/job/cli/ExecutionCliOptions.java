package dev.cxq.job.cli;

import org.apache.flink.api.common.RuntimeExecutionMode;

import picocli.CommandLine.Option;

/** How Flink runs a bounded input, and at which parallelism. */
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
    }
}
