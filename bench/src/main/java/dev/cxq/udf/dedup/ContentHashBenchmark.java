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

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.reflect.Method;
import java.util.concurrent.TimeUnit;

/**
 * The per-event cost of the dedup's redelivery content hash (its canonical JSON then FNV-1a), on
 * the benchmark's generated events, and of the canonical JSON alone. It times the job jar's own
 * method, not a copy of it: {@code EventIdentity.contentHash}, or in releases before the
 * per-session dedup the package-private {@code DedupFunction.contentHash}, hence this package.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class ContentHashBenchmark {

    @Param("10000")
    public int sessions;

    private CanonicalEvent[] events;
    private int next;
    private MethodHandle contentHash;

    @Setup
    public void generate() throws ReflectiveOperationException {
        contentHash = jarsContentHash();
        SampleStream stream = new SampleStream(sessions, BenchMain.SEED);
        events = new CanonicalEvent[8192];
        for (int i = 0; i < events.length; i++) {
            // Spread over the stream so the mix of kinds matches the topology's input.
            events[i] = CanonicalEventParser.parse(stream.payload(i * 37L), "bench").event();
        }
    }

    @Benchmark
    public long contentHash() throws Throwable {
        CanonicalEvent event = events[next];
        next = (next + 1) & (events.length - 1);
        return (long) contentHash.invokeExact(event);
    }

    private static MethodHandle jarsContentHash() throws ReflectiveOperationException {
        Class<?> owner;
        try {
            owner = Class.forName("dev.cxq.udf.dedup.EventIdentity");
        } catch (ClassNotFoundException e) {
            owner = Class.forName("dev.cxq.udf.dedup.DedupFunction");
        }
        Method method = owner.getDeclaredMethod("contentHash", CanonicalEvent.class);
        method.setAccessible(true);
        return MethodHandles.lookup().unreflect(method);
    }

    @Benchmark
    public String canonicalJson() {
        CanonicalEvent event = events[next];
        next = (next + 1) & (events.length - 1);
        return CanonicalJson.write(event);
    }
}
