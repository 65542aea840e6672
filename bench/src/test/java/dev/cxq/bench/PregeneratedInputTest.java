package dev.cxq.bench;

import dev.cxq.udf.model.RawRecord;

import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.connector.source.util.ratelimit.RateLimiterStrategy;
import org.apache.flink.connector.datagen.source.DataGeneratorSource;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.List;
import java.util.Map;
import java.util.stream.LongStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The timed runs' source reads the input generated beforehand ({@link PregeneratedInput}): the same
 * records as generating them on the fly, and the store is gone after the run.
 */
class PregeneratedInputTest {

    /** The runs' own local cluster, as {@link JobRuns} starts it (no shared test cluster). */
    private static final LocalFlink FLINK = new LocalFlink(Map.of());

    private static final int SESSIONS = 40;

    /** More than a session's life: every kind of record (connected, hold, samples, completed). */
    private static final int STEPS = 70;

    @AfterEach
    void uninstall() {
        PregeneratedInput.uninstall();
    }

    @Test
    @Timeout(120)
    void theSourceReadsTheSameRecordsAsGeneratedOnTheFly() throws Exception {
        SampleStream stream = new SampleStream(SESSIONS, BenchMain.SEED);
        long count = stream.count(STEPS);

        List<RawRecord> onTheFly = read("on-the-fly", stream, count);
        PregeneratedInput.install(new SampleStream(SESSIONS, BenchMain.SEED), count);
        List<RawRecord> pregenerated = read("pregenerated", stream, count);

        assertEquals(count, onTheFly.size());
        assertEquals(
                LongStream.range(0, count).mapToObj(index -> "gen:" + index).toList(),
                onTheFly.stream().map(record -> record.source).toList());
        assertEquals(onTheFly, pregenerated);
    }

    @Test
    @Timeout(120)
    void theSourceTakesItsStreamsPayloadsFromTheStoreAndGeneratesTheRest() throws Exception {
        SampleStream stream = new SampleStream(SESSIONS, BenchMain.SEED);
        long count = stream.count(2);
        PregeneratedInput.install(stream, new String[] {"first", "second"});

        List<RawRecord> records = read("stored", stream, count);
        assertEquals(new RawRecord("gen:0", "first"), records.get(0));
        assertEquals(new RawRecord("gen:1", "second"), records.get(1));
        assertEquals(new RawRecord("gen:2", stream.payload(2)), records.get(2));

        SampleStream other = new SampleStream(SESSIONS + 1, BenchMain.SEED);
        assertEquals(new RawRecord("gen:0", other.payload(0)), read("other", other, 1).get(0));
    }

    @Test
    @Timeout(120)
    void aTimedRunUninstallsTheStore() throws Exception {
        SampleStream stream = new SampleStream(SESSIONS, BenchMain.SEED);
        RunResult run = new JobRuns(FLINK).run(BenchJob.QUALITY_PATH, "hashmap", stream, STEPS);

        assertEquals(stream.count(STEPS), run.timed().events());
        assertTrue(run.alertsFired() > 0, "no alert fired");
        assertFalse(PregeneratedInput.installed());
    }

    private static List<RawRecord> read(String name, SampleStream stream, long count)
            throws Exception {
        StreamExecutionEnvironment env = FLINK.environment("hashmap");
        CollectingSink<RawRecord> sink = new CollectingSink<>(name);
        env.fromSource(
                        new DataGeneratorSource<>(
                                stream,
                                count,
                                RateLimiterStrategy.noOp(),
                                TypeInformation.of(RawRecord.class)),
                        WatermarkStrategy.noWatermarks(),
                        name)
                .sinkTo(sink);
        env.execute(name);
        return sink.rows();
    }
}
