package dev.cxq.bench;

import dev.cxq.udf.rows.QualityAlert;

import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The {@code quality_alerts} sink of the benchmark: drops the rows and, for each firing degradation
 * alert, records its detection latency.
 *
 * <p>The incident fires when the watermark reaches {@code fired_at}. The pipeline's bounded
 * out-of-orderness watermark is {@code max_ts - bound - 1}, so the earliest moment it can pass
 * {@code fired_at} is when the source emits the first record stamped {@code fired_at + bound + 1}.
 * The latency is the time from that emission ({@link EmissionClock}) to the alert reaching this
 * writer: it includes the periodic watermark interval, the network buffers between tasks, the
 * detector and the side output, which is what an operator waiting for the alert sees. It does not
 * include the bound itself (10 s of event time), which is a configured delay, not a cost.
 */
public final class LatencyProbeSink implements Sink<QualityAlert> {

    private static final long serialVersionUID = 1L;

    private static final List<Long> LATENCIES_NANOS = new ArrayList<>();

    private final SampleStream stream;
    private final long boundMillis;

    private final long lastInputTs;

    /** Counts the incidents fired at or before {@code lastInputTs}, as the CEP baseline can. */
    public LatencyProbeSink(SampleStream stream, Duration watermarkBound, long lastInputTs) {
        this.stream = stream;
        this.boundMillis = watermarkBound.toMillis();
        this.lastInputTs = lastInputTs;
    }

    @Override
    public SinkWriter<QualityAlert> createWriter(WriterInitContext context) {
        return new SinkWriter<>() {
            @Override
            public void write(QualityAlert alert, Context context) {
                // End of input fires the incidents still pending: not a detection, not compared.
                if (!QualityAlert.DEGRADATION.equals(alert.alertType())
                        || !QualityAlert.FIRING.equals(alert.state())
                        || alert.firedAtMillis() > lastInputTs) {
                    return;
                }
                long now = System.nanoTime();
                long index = stream.firstIndexAtOrAfter(alert.firedAtMillis() + boundMillis + 1);
                long emitted = EmissionClock.emittedAt(index);
                synchronized (LATENCIES_NANOS) {
                    // -1: the watermark passed at the end of input, not on a record.
                    LATENCIES_NANOS.add(emitted < 0 ? -1 : now - emitted);
                }
            }

            @Override
            public void flush(boolean endOfInput) {}

            @Override
            public void close() {}
        };
    }

    /**
     * Latencies of the alerts fired on a record since the last call, and how many fired in input.
     */
    public static Latencies drain() {
        synchronized (LATENCIES_NANOS) {
            List<Long> measured = new ArrayList<>();
            for (long latency : LATENCIES_NANOS) {
                if (latency >= 0) {
                    measured.add(latency);
                }
            }
            int fired = LATENCIES_NANOS.size();
            LATENCIES_NANOS.clear();
            measured.sort(null);
            return new Latencies(fired, measured);
        }
    }

    /** Firing alerts seen and the sorted latencies (ns) of those fired on a record. */
    public record Latencies(int fired, List<Long> sortedNanos) {

        public double percentileMillis(double p) {
            if (sortedNanos.isEmpty()) {
                return Double.NaN;
            }
            int at = (int) Math.ceil(p / 100 * sortedNanos.size()) - 1;
            return sortedNanos.get(Math.max(0, at)) / 1e6;
        }
    }
}
