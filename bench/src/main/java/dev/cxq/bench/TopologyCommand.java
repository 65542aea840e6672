package dev.cxq.bench;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.util.List;
import java.util.concurrent.Callable;

/**
 * A quick check of a change: the jobs of this build only, in this JVM, each backend in turn, the
 * figures logged and no page written.
 */
@Command(
        name = "topology",
        description = "Times this build's jobs in this JVM, repeatedly; figures logged.",
        mixinStandardHelpOptions = true)
final class TopologyCommand implements Callable<Integer> {

    @Option(
            names = "--jobs",
            split = ",",
            defaultValue = "CXQ",
            description = "Jobs, of: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
    List<BenchJob> jobs;

    @Mixin BackendsOption backends;

    @Option(names = "--repeats", defaultValue = "3", description = "Rounds over the backends.")
    int repeats;

    @Mixin InputOptions input;

    @Mixin FlinkConfOption flinkConf;

    @Override
    public Integer call() throws Exception {
        JobRuns runs = new JobRuns(flinkConf.localFlink());
        SampleStream stream = input.stream();
        for (int round = 0; round < repeats; round++) {
            for (String backend : backends.names) {
                for (BenchJob job : jobs) {
                    runs.run(job, backend, stream, input.steps);
                }
            }
        }
        return 0;
    }
}
