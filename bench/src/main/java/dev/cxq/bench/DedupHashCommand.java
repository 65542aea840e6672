package dev.cxq.bench;

import dev.cxq.udf.dedup.ContentHashBenchmark;

import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Properties;
import java.util.concurrent.Callable;

/**
 * The per-event cost of the dedup's redelivery content hash, with JMH ({@link
 * ContentHashBenchmark}), one thread, one fork.
 */
@Command(
        name = "dedup-hash",
        description = "Times the dedup's content hash per event (JMH); ns/event to --result.",
        mixinStandardHelpOptions = true)
final class DedupHashCommand implements Callable<Integer> {

    @Option(
            names = "--iterations",
            defaultValue = "5",
            description = "JMH measurement iterations of 1 s (default: ${DEFAULT-VALUE}).")
    int iterations;

    @Option(names = "--result", description = "Properties file the figures are written to.")
    Path result;

    /** Nanoseconds per event: the whole content hash, and its canonical JSON alone. */
    record HashCost(double contentHashNanos, double canonicalJsonNanos) {

        void write(Path file) throws IOException {
            Properties p = new Properties();
            p.setProperty("contentHashNanos", Double.toString(contentHashNanos));
            p.setProperty("canonicalJsonNanos", Double.toString(canonicalJsonNanos));
            try (Writer out = Files.newBufferedWriter(file)) {
                p.store(out, null);
            }
        }

        static HashCost read(Path file) throws IOException {
            Properties p = new Properties();
            try (Reader in = Files.newBufferedReader(file)) {
                p.load(in);
            }
            return new HashCost(
                    Double.parseDouble(p.getProperty("contentHashNanos")),
                    Double.parseDouble(p.getProperty("canonicalJsonNanos")));
        }
    }

    @Override
    public Integer call() throws Exception {
        Options jmh =
                new OptionsBuilder()
                        .include(ContentHashBenchmark.class.getName())
                        .forks(1)
                        .warmupIterations(3)
                        .warmupTime(TimeValue.seconds(1))
                        .measurementIterations(iterations)
                        .measurementTime(TimeValue.seconds(1))
                        .build();
        double contentHash = Double.NaN;
        double canonicalJson = Double.NaN;
        for (RunResult run : new Runner(jmh).run()) {
            double nanos = run.getPrimaryResult().getScore();
            if (run.getParams().getBenchmark().endsWith(".contentHash")) {
                contentHash = nanos;
            } else {
                canonicalJson = nanos;
            }
        }
        HashCost cost = new HashCost(contentHash, canonicalJson);
        System.out.printf(
                Locale.ROOT,
                "dedup content hash: %.0f ns/event (canonical JSON alone %.0f ns)%n",
                cost.contentHashNanos(),
                cost.canonicalJsonNanos());
        if (result != null) {
            cost.write(result);
        }
        return 0;
    }
}
