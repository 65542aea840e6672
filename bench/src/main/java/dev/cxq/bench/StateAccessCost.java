package dev.cxq.bench;

import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.PrimitiveArrayTypeInfo;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.connector.source.util.ratelimit.RateLimiterStrategy;
import org.apache.flink.connector.datagen.source.DataGeneratorSource;
import org.apache.flink.connector.datagen.source.GeneratorFunction;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * What one keyed-state access costs inside a Flink job on this machine: the same keyed job reads
 * and writes {@code n} value states per record (a get and an update of a 256-byte value, about what
 * a session's statistics take), for several {@code n}; the CPU per record grows by the cost of one
 * get + update pair per step. It is the floor under the full topology's per-event cost: a media
 * sample makes a fixed number of such calls ({@code docs/benchmarks.md}).
 */
final class StateAccessCost {

    private static final int VALUE_BYTES = 256;

    private StateAccessCost() {}

    /** CPU microseconds per record of the job with {@code pairs} get + update pairs per record. */
    record Point(int pairs, Timed timed) {
        double microsPerRecord() {
            return (timed.cpuSeconds() - timed.jitCpuSeconds()) * 1e6 / timed.events();
        }
    }

    /** The job at each of {@code pairs}, on {@code backend}, over {@code keys} distinct keys. */
    static List<Point> measure(
            LocalFlink flink, String backend, int keys, long records, int... pairs)
            throws Exception {
        List<Point> points = new ArrayList<>();
        // The first job of the JVM also loads and compiles the runtime: a warm-up, not recorded.
        run(flink, backend, keys, records, pairs[0]);
        for (int n : pairs) {
            points.add(new Point(n, run(flink, backend, keys, records, n)));
        }
        return points;
    }

    private static Timed run(LocalFlink flink, String backend, int keys, long records, int n)
            throws Exception {
        StreamExecutionEnvironment env = flink.environment(backend);
        env.fromSource(
                        new DataGeneratorSource<>(
                                new KeyOf(keys), records, RateLimiterStrategy.noOp(), Types.STRING),
                        WatermarkStrategy.noWatermarks(),
                        "Keys")
                .keyBy(key -> key)
                .process(new ValueStatePairs(n))
                .name("State access");
        return Timed.measure(records, () -> env.execute("state access x" + n));
    }

    /** Slope of the CPU per record over the pairs: microseconds per get + update pair. */
    static double microsPerPair(List<Point> points) {
        Point first = points.get(0);
        Point last = points.get(points.size() - 1);
        return (last.microsPerRecord() - first.microsPerRecord()) / (last.pairs() - first.pairs());
    }

    /** Session-like ids (36-character UUIDs), each key in turn, as a stream of sessions. */
    private static final class KeyOf implements GeneratorFunction<Long, String> {
        private static final long serialVersionUID = 1L;
        private final int keys;

        KeyOf(int keys) {
            this.keys = keys;
        }

        @Override
        public String map(Long index) {
            return UUID.nameUUIDFromBytes(Long.toString(index % keys).getBytes()).toString();
        }
    }

    private static final class ValueStatePairs extends KeyedProcessFunction<String, String, Void> {
        private static final long serialVersionUID = 1L;
        private final int pairs;
        private transient List<ValueState<byte[]>> states;

        ValueStatePairs(int pairs) {
            this.pairs = pairs;
        }

        @Override
        public void open(OpenContext openContext) {
            states = new ArrayList<>();
            for (int i = 0; i < pairs; i++) {
                states.add(
                        getRuntimeContext()
                                .getState(
                                        new ValueStateDescriptor<>(
                                                "value-" + i,
                                                PrimitiveArrayTypeInfo
                                                        .BYTE_PRIMITIVE_ARRAY_TYPE_INFO)));
            }
        }

        @Override
        public void processElement(String key, Context ctx, Collector<Void> out) throws Exception {
            for (ValueState<byte[]> state : states) {
                byte[] value = state.value();
                if (value == null) {
                    value = new byte[VALUE_BYTES];
                }
                value[0]++;
                state.update(value);
            }
        }
    }
}
