package dev.cxq.udf.session;

import dev.cxq.udf.model.MediaType;

import java.util.Arrays;
import java.util.stream.LongStream;

/**
 * The sample slots (media, timestamp) a session has handed over, in a compact form: per media the
 * timestamps in increasing order, each stored as the zig-zag varint of the change of the step from
 * the previous timestamp, and a run of unchanged steps as its length. Samples on a regular grid
 * (every 5 s) cost a few bytes in all, however many; a few milliseconds of jitter cost one byte a
 * sample; a pause costs a few bytes once.
 *
 * <p>Timestamps are appended in event-time order (the order samples are handed over); {@link
 * #contains} decodes the sequence, which only a late copy of a sample asks for.
 */
public class SampleSlots {

    /** Audio timestamps, then the video ones: the same encoding. */
    public Sequence audio = new Sequence();

    public Sequence video = new Sequence();

    public SampleSlots() {}

    /** Records that the sample of {@code media} at {@code ts} was handed over. */
    public void add(MediaType media, long ts) {
        of(media).add(ts);
    }

    public boolean contains(MediaType media, long ts) {
        return of(media).contains(ts);
    }

    /** Appends every slot of {@code later}, whose timestamps all follow this record's. */
    public void addAll(SampleSlots later) {
        audio.addAll(later.audio);
        video.addAll(later.video);
    }

    public boolean isEmpty() {
        return audio.count == 0 && video.count == 0;
    }

    /** Encoded size, bytes: the encoded changes of step, without the run still growing. */
    public int encodedBytes() {
        return audio.encoded.length + video.encoded.length;
    }

    /** The same slots, in the shortest encoding: a record of the per-sample form gets its runs. */
    SampleSlots compacted() {
        SampleSlots compact = new SampleSlots();
        compact.addAll(this);
        return compact;
    }

    private Sequence of(MediaType media) {
        return media == MediaType.VIDEO ? video : audio;
    }

    /**
     * Increasing timestamps of one media. {@link #encoded} is a list of tokens, each a varint: the
     * zig-zag change of step to the next timestamp, or, after a zero written in two bytes ({@code
     * 0x80 0x00}, which a minimal varint never is), the number of further timestamps at the same
     * step. The timestamps after the last token, {@link #repeats} of them at the same step, are a
     * run still growing. Records of the per-sample form (no run tokens) read the same.
     */
    public static class Sequence {
        public byte[] encoded = new byte[0];
        public int count;
        public long last;
        public long lastStep;

        /** Timestamps after {@link #encoded}, each {@link #lastStep} after the one before. */
        public int repeats;

        public Sequence() {}

        void add(long ts) {
            if (count > 0 && ts <= last) {
                // Slots come in event-time order; an earlier one is already recorded or, if a
                // restore ever broke the order, left out: its late copies then reach late_events.
                return;
            }
            long step = count == 0 ? ts : ts - last;
            if (step == lastStep) {
                repeats++;
            } else {
                closeRun();
                long change = step - lastStep;
                append((change << 1) ^ (change >> 63));
            }
            count++;
            last = ts;
            lastStep = step;
        }

        /**
         * The tokens of the distances from these timestamps to {@code end} ({@code end - ts}, in
         * increasing order: from the last timestamp back), every run closed. The form of an ended
         * run's slots in {@code session-redeliveries}: its first token is the gap to the end, a
         * byte or two, where this sequence's own first two tokens carry an instant (six bytes
         * each).
         */
        byte[] encodedBefore(long end) {
            long[] timestamps = timestamps();
            Sequence distances = new Sequence();
            for (int i = timestamps.length - 1; i >= 0; i--) {
                distances.add(end - timestamps[i]);
            }
            distances.closeRun();
            return distances.encoded;
        }

        /** The sequence whose {@link #encodedBefore encodedBefore(end)} is {@code tokens}. */
        static Sequence fromEncodedBefore(long end, byte[] tokens) {
            Sequence distances = new Sequence();
            distances.encoded = tokens;
            long[] decoded = distances.timestamps();
            Sequence sequence = new Sequence();
            for (int i = decoded.length - 1; i >= 0; i--) {
                sequence.add(end - decoded[i]);
            }
            return sequence;
        }

        /** The timestamps, in increasing order. */
        private long[] timestamps() {
            LongStream.Builder timestamps = LongStream.builder();
            runs(
                    (first, step, k) -> {
                        for (long i = 0; i < k; i++) {
                            timestamps.add(first + i * step);
                        }
                        return false;
                    });
            return timestamps.build().toArray();
        }

        /** Writes the growing run as tokens: one alone as a zero, more as a run token. */
        private void closeRun() {
            if (repeats == 1) {
                append(0);
            } else if (repeats > 1) {
                encoded = Arrays.copyOf(encoded, encoded.length + 2);
                encoded[encoded.length - 2] = (byte) 0x80;
                append(repeats);
            }
            repeats = 0;
        }

        private void append(long varint) {
            byte[] bytes = new byte[10];
            int n = 0;
            while ((varint & ~0x7FL) != 0) {
                bytes[n++] = (byte) ((varint & 0x7F) | 0x80);
                varint >>>= 7;
            }
            bytes[n++] = (byte) varint;
            int at = encoded.length;
            encoded = Arrays.copyOf(encoded, at + n);
            System.arraycopy(bytes, 0, encoded, at, n);
        }

        boolean contains(long ts) {
            if (count == 0 || ts > last) {
                return false;
            }
            boolean[] found = {false};
            runs(
                    (first, step, n) -> {
                        if (ts < first) {
                            return true;
                        }
                        if (ts <= first + step * (n - 1)) {
                            // Within a run of n > 1 the step is positive: timestamps increase.
                            found[0] = n == 1 ? ts == first : (ts - first) % step == 0;
                            return true;
                        }
                        return false;
                    });
            return found[0];
        }

        void addAll(Sequence later) {
            later.runs(
                    (first, step, n) -> {
                        for (long k = 0; k < n; k++) {
                            add(first + k * step);
                        }
                        return false;
                    });
        }

        /** Decodes the timestamps in order, a run at a time, until {@code visit} says stop. */
        private void runs(Run visit) {
            long value = 0;
            long step = 0;
            int[] at = {0};
            while (at[0] < encoded.length) {
                int start = at[0];
                long token = varint(at);
                long n = 1;
                if (token == 0 && at[0] - start > 1) {
                    n = varint(at);
                } else {
                    step += (token >>> 1) ^ -(token & 1);
                }
                if (visit.accept(value + step, step, n)) {
                    return;
                }
                value += step * n;
            }
            if (repeats > 0) {
                visit.accept(value + lastStep, lastStep, repeats);
            }
        }

        /** The varint of {@link #encoded} at {@code at[0]}, which it moves past it. */
        private long varint(int[] at) {
            long value = 0;
            int shift = 0;
            byte b;
            do {
                b = encoded[at[0]++];
                value |= (long) (b & 0x7F) << shift;
                shift += 7;
            } while (b < 0);
            return value;
        }

        /** {@code n} timestamps from {@code first}, {@code step} apart; true to stop. */
        private interface Run {
            boolean accept(long first, long step, long n);
        }
    }
}
