package dev.cxq.bench;

import dev.cxq.udf.ingest.PayloadDecoder;
import dev.cxq.udf.parse.CanonicalEventParser;
import dev.cxq.udf.parse.ParseResult;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * The limit: Jackson parsing and validation of the generated records alone ({@link
 * CanonicalEventParser#parse(String, String)}), one record per operation, single-threaded; {@link
 * #decode} adds the shape detection of {@link PayloadDecoder}, the path the job runs.
 */
@State(Scope.Thread)
public class ParseBenchmark {

    @Param("10000")
    public int sessions;

    private String[] payloads;
    private int next;

    @Setup
    public void generate() {
        SampleStream stream = new SampleStream(sessions, BenchMain.SEED);
        payloads = new String[8192];
        for (int i = 0; i < payloads.length; i++) {
            // Spread over the stream so the mix of kinds matches the topology's input.
            payloads[i] = stream.payload(i * 37L);
        }
    }

    @Benchmark
    public ParseResult parse() {
        String payload = payloads[next];
        next = (next + 1) & (payloads.length - 1);
        return CanonicalEventParser.parse(payload, "bench");
    }

    @Benchmark
    public PayloadDecoder.Decoded decode() {
        String payload = payloads[next];
        next = (next + 1) & (payloads.length - 1);
        return PayloadDecoder.decode(payload, "bench");
    }
}
