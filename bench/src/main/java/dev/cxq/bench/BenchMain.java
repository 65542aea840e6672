package dev.cxq.bench;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The benchmarks of cxq, one subcommand per mode: {@code ab} writes {@code docs/benchmarks.md} from
 * an interleaved comparison with the previous release's job jar; {@code run} times one job in this
 * JVM (what {@code ab} starts per run); {@code topology}, {@code state}, {@code state-access} and
 * {@code dedup-hash} measure one thing of this build and log it.
 */
@Command(
        name = "cxq-bench",
        mixinStandardHelpOptions = true,
        subcommands = {
            AbCommand.class,
            RunCommand.class,
            TopologyCommand.class,
            StateCommand.class,
            StateAccessCommand.class,
            DedupHashCommand.class,
            ProfileCommand.class
        })
public final class BenchMain implements Runnable {

    /** Seed of the generated input of every benchmark: all read the same records. */
    public static final long SEED = 20_260_101L;

    public static void main(String[] args) {
        CommandLine cli = new CommandLine(new BenchMain());
        cli.setCaseInsensitiveEnumValuesAllowed(true);
        System.exit(cli.execute(args));
    }

    /** Without a subcommand: the usage. */
    @Override
    public void run() {
        CommandLine.usage(this, System.out);
    }
}
