package dev.cxq.udf.dedup;

import dev.cxq.bench.BenchMain;
import dev.cxq.bench.SampleStream;
import dev.cxq.udf.json.CanonicalJson;
import dev.cxq.udf.model.CanonicalEvent;
import dev.cxq.udf.parse.CanonicalEventParser;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

import java.util.concurrent.TimeUnit;

/**
 * The per-event cost of the dedup's redelivery content hash ({@link DedupFunction#contentHash}, its
 * canonical JSON then FNV-1a), on the benchmark's generated events, and of the canonical JSON
 * alone. It lives in the dedup's package because the hash is package-private: the benchmark times
 * the job's own method, not a copy of it.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class ContentHashBenchmark {

    @Param("10000")
    public int sessions;

    private CanonicalEvent[] events;
    private int next;

    @Setup
    public void generate() {
        SampleStream stream = new SampleStream(sessions, BenchMain.SEED);
        events = new CanonicalEvent[8192];
        for (int i = 0; i < events.length; i++) {
            // Spread over the stream so the mix of kinds matches the topology's input.
            events[i] = CanonicalEventParser.parse(stream.payload(i * 37L), "bench").event();
        }
    }

    @Benchmark
    public long contentHash() {
        CanonicalEvent event = events[next];
        next = (next + 1) & (events.length - 1);
        return DedupFunction.contentHash(event);
    }

    @Benchmark
    public String canonicalJson() {
        CanonicalEvent event = events[next];
        next = (next + 1) & (events.length - 1);
        return CanonicalJson.write(event);
    }
}
