package dev.cxq.udf.session;

import dev.cxq.udf.model.MediaType;

import java.util.Arrays;
import java.util.function.LongPredicate;

/**
 * The sample slots (media, timestamp) a session has handed over, in a compact form: per media the
 * timestamps in increasing order, each stored as the zig-zag varint of the change of the step from
 * the previous timestamp. Samples on a regular grid (every 5 s) take one byte each; a few
 * milliseconds of jitter keep it at one byte; a pause costs a few bytes once. A Flink POJO.
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

    /** Encoded size, bytes. */
    public int encodedBytes() {
        return audio.encoded.length + video.encoded.length;
    }

    private Sequence of(MediaType media) {
        return media == MediaType.VIDEO ? video : audio;
    }

    /** Increasing timestamps of one media. A Flink POJO. */
    public static class Sequence {
        public byte[] encoded = new byte[0];
        public int count;
        public long last;
        public long lastStep;

        public Sequence() {}

        void add(long ts) {
            if (count > 0 && ts <= last) {
                // Slots come in event-time order; an earlier one is already recorded or, if a
                // restore ever broke the order, left out: its late copies then reach late_events.
                return;
            }
            long step = count == 0 ? ts : ts - last;
            long zigzag = ((step - lastStep) << 1) ^ ((step - lastStep) >> 63);
            byte[] varint = new byte[10];
            int n = 0;
            while ((zigzag & ~0x7FL) != 0) {
                varint[n++] = (byte) ((zigzag & 0x7F) | 0x80);
                zigzag >>>= 7;
            }
            varint[n++] = (byte) zigzag;
            int at = encoded.length;
            encoded = Arrays.copyOf(encoded, at + n);
            System.arraycopy(varint, 0, encoded, at, n);
            count++;
            last = ts;
            lastStep = step;
        }

        boolean contains(long ts) {
            if (count == 0 || ts > last) {
                return false;
            }
            long[] first = {Long.MIN_VALUE};
            scan(
                    value -> {
                        first[0] = value;
                        return value >= ts;
                    });
            return first[0] == ts;
        }

        void addAll(Sequence later) {
            later.scan(
                    value -> {
                        add(value);
                        return false;
                    });
        }

        /** Decodes the timestamps in order until {@code stop} accepts one. */
        private void scan(LongPredicate stop) {
            long value = 0;
            long step = 0;
            int i = 0;
            for (int k = 0; k < count; k++) {
                long zigzag = 0;
                int shift = 0;
                byte b;
                do {
                    b = encoded[i++];
                    zigzag |= (long) (b & 0x7F) << shift;
                    shift += 7;
                } while (b < 0);
                step += (zigzag >>> 1) ^ -(zigzag & 1);
                value += step;
                if (stop.test(value)) {
                    return;
                }
            }
        }
    }
}
