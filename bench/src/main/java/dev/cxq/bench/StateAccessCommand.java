package dev.cxq.bench;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/** What one keyed-state get + update pair costs inside a Flink job ({@link StateAccessCost}). */
@Command(
        name = "state-access",
        description = "Measures one keyed-state get + update pair per backend; figures logged.",
        mixinStandardHelpOptions = true)
final class StateAccessCommand implements Callable<Integer> {

    private static final long RECORDS = 1_000_000;
    private static final int[] PAIRS = {0, 2, 4};

    @Option(
            names = "--keys",
            defaultValue = "100000",
            description = "Distinct keys (default: ${DEFAULT-VALUE}).")
    int keys;

    @Mixin BackendsOption backends;

    @Mixin FlinkConfOption flinkConf;

    @Override
    public Integer call() throws Exception {
        for (String backend : backends.names) {
            List<StateAccessCost.Point> points =
                    StateAccessCost.measure(flinkConf.localFlink(), backend, keys, RECORDS, PAIRS);
            for (StateAccessCost.Point point : points) {
                JobRuns.log("state access " + backend + " x" + point.pairs(), point.timed());
            }
            System.out.printf(
                    Locale.ROOT,
                    "state access %s: %.2f µs per get + update pair%n",
                    backend,
                    StateAccessCost.microsPerPair(points));
        }
        return 0;
    }
}
