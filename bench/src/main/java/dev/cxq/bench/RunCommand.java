package dev.cxq.bench;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.concurrent.Callable;

/**
 * One timed job in this JVM, with the job jar on its classpath. The A/B comparison starts it in a
 * child JVM per run, so that the two releases never share a JVM, its JIT or its heap.
 */
@Command(
        name = "run",
        description = "Times one job in this JVM and writes its figures to --result.",
        mixinStandardHelpOptions = true)
final class RunCommand implements Callable<Integer> {

    @Option(names = "--job", required = true, description = "One of: ${COMPLETION-CANDIDATES}.")
    BenchJob job;

    @Option(
            names = "--backend",
            defaultValue = "rocksdb",
            description = "rocksdb, hashmap or forst.")
    String backend;

    @Option(names = "--result", description = "Properties file the figures are written to.")
    Path result;

    @Mixin InputOptions input;

    @Mixin FlinkConfOption flinkConf;

    @Override
    public Integer call() throws Exception {
        RunResult run =
                new JobRuns(flinkConf.localFlink()).run(job, backend, input.stream(), input.steps);
        if (result != null) {
            run.write(result);
        }
        return 0;
    }
}
