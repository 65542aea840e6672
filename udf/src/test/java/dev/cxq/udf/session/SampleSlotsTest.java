package dev.cxq.udf.session;

import dev.cxq.udf.model.MediaType;

import org.apache.flink.core.memory.DataOutputSerializer;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static dev.cxq.udf.testing.Events.at;
import static org.assertj.core.api.Assertions.assertThat;

/** The slot record: what it contains after add and addAll, and what it costs. */
class SampleSlotsTest {

    private static final long START = at(0);

    @Test
    void aRegularGridCostsAFewBytesInAll() throws IOException {
        List<Long> grid = grid(START, 1000);
        SampleSlots slots = record(grid);
        assertContainsExactly(slots, grid);
        assertThat(slots.encodedBytes()).as("encoded changes of step").isLessThanOrEqualTo(12);
        assertThat(serializedBytes(slots)).as("serialized record").isLessThanOrEqualTo(32);
    }

    @Test
    void jitteredTimestampsCostAboutOneByteEach() throws IOException {
        Random random = new Random(17);
        List<Long> jittered = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            jittered.add(START + 5_000L * i + random.nextInt(21) - 10);
        }
        SampleSlots slots = record(jittered);
        assertContainsExactly(slots, jittered);
        assertThat(serializedBytes(slots)).isBetween(900, 1040);
    }

    @Test
    void aPauseCostsAFewBytesOnce() throws IOException {
        List<Long> paused = grid(START, 500);
        paused.addAll(grid(START + 500 * 5_000L + 600_000L, 500));
        SampleSlots slots = record(paused);
        assertContainsExactly(slots, paused);
        assertThat(serializedBytes(slots)).isLessThanOrEqualTo(48);
    }

    @Test
    void anEarlierTimestampIsLeftOut() {
        SampleSlots slots = new SampleSlots();
        for (long ts : new long[] {5_000, 10_000, 15_000, 12_000, 10_000, 20_000, 25_000}) {
            slots.add(MediaType.AUDIO, START + ts);
        }
        assertContainsExactly(
                slots,
                List.of(
                        START + 5_000,
                        START + 10_000,
                        START + 15_000,
                        START + 20_000,
                        START + 25_000));
        assertThat(slots.audio.count).isEqualTo(5);
    }

    @Test
    void addAllAppendsAsIfAddedOneByOne() {
        Random random = new Random(3);
        List<Long> first = grid(START, 300);
        List<Long> second = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            second.add(START + 2_000_000L + 5_000L * i + (i % 7 == 0 ? random.nextInt(50) : 0));
        }
        List<Long> third = grid(START + 4_000_000L, 300);
        SampleSlots whole = record(first);
        whole.addAll(record(second));
        whole.addAll(record(third));
        List<Long> all = new ArrayList<>(first);
        all.addAll(second);
        all.addAll(third);
        assertContainsExactly(whole, all);
        assertThat(whole).usingRecursiveComparison().isEqualTo(record(all));
    }

    /** The form of the builds before (one token per sample) reads the same and compacts. */
    @Test
    void thePerSampleFormReadsTheSameAndCompacts() {
        List<Long> grid = grid(START, 200);
        grid.add(START + 200 * 5_000L + 3);
        SampleSlots old = new SampleSlots();
        old.audio = perSampleForm(grid);
        assertContainsExactly(old, grid);
        SampleSlots compacted = old.compacted();
        assertThat(compacted).usingRecursiveComparison().isEqualTo(record(grid));
        assertThat(compacted.encodedBytes()).isLessThan(old.encodedBytes() / 10);
    }

    /**
     * The ended runs' form ({@code session-redeliveries}): distances back from the end, which may
     * fall before, among or after the slots (samples handed over within the timeout after it).
     */
    @Test
    void theFormBeforeTheEndReadsTheSameSlots() {
        Random random = new Random(11);
        for (int round = 0; round < 200; round++) {
            List<Long> timestamps = new ArrayList<>();
            long ts = START + random.nextInt(100_000);
            for (int i = 1 + random.nextInt(300); i > 0; i--) {
                timestamps.add(ts);
                ts +=
                        random.nextInt(10) == 0
                                ? 1 + random.nextInt(600_000)
                                : 5_000 + (random.nextBoolean() ? random.nextInt(21) - 10 : 0);
            }
            long end = timestamps.get(random.nextInt(timestamps.size())) + random.nextInt(20_000);
            SampleSlots.Sequence sequence = record(timestamps).audio;

            SampleSlots.Sequence read =
                    SampleSlots.Sequence.fromEncodedBefore(end, sequence.encodedBefore(end));

            assertThat(read).usingRecursiveComparison().isEqualTo(sequence);
        }
    }

    @Test
    void anEndedFiveMinuteRunCostsAThirdOfItsForwardForm() throws IOException {
        List<Long> run = grid(START + 5_000, 58);
        long end = START + 59 * 5_000L;
        SampleSlots slots = record(run);
        int before = slots.audio.encodedBefore(end).length;
        assertThat(before).isLessThanOrEqualTo(8);
        assertThat(serializedBytes(slots)).isGreaterThanOrEqualTo(3 * before);
    }

    private static void assertContainsExactly(SampleSlots slots, List<Long> timestamps) {
        for (long ts : timestamps) {
            assertThat(slots.contains(MediaType.AUDIO, ts)).as("audio %d", ts).isTrue();
            assertThat(slots.contains(MediaType.VIDEO, ts)).as("video %d", ts).isFalse();
        }
        long first = timestamps.get(0);
        long last = timestamps.get(timestamps.size() - 1);
        for (long ts = first - 3_000; ts <= last + 3_000; ts += 1_000) {
            assertThat(slots.contains(MediaType.AUDIO, ts))
                    .as("audio %d", ts)
                    .isEqualTo(timestamps.contains(ts));
        }
    }

    private static List<Long> grid(long from, int n) {
        List<Long> grid = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            grid.add(from + 5_000L * i);
        }
        return grid;
    }

    private static SampleSlots record(List<Long> timestamps) {
        SampleSlots slots = new SampleSlots();
        timestamps.forEach(ts -> slots.add(MediaType.AUDIO, ts));
        return slots;
    }

    private static int serializedBytes(SampleSlots slots) throws IOException {
        DataOutputSerializer out = new DataOutputSerializer(64);
        SessionStateFormat.writeSlots(slots, out);
        return out.length();
    }

    /** The encoding of the builds before: each timestamp one varint of its change of step. */
    private static SampleSlots.Sequence perSampleForm(List<Long> timestamps) {
        SampleSlots.Sequence s = new SampleSlots.Sequence();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        for (long ts : timestamps) {
            long step = s.count == 0 ? ts : ts - s.last;
            long change = step - s.lastStep;
            long zigzag = (change << 1) ^ (change >> 63);
            while ((zigzag & ~0x7FL) != 0) {
                bytes.write((int) ((zigzag & 0x7F) | 0x80));
                zigzag >>>= 7;
            }
            bytes.write((int) zigzag);
            s.count++;
            s.last = ts;
            s.lastStep = step;
        }
        s.encoded = bytes.toByteArray();
        return s;
    }
}
