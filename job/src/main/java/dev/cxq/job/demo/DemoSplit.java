package dev.cxq.job.demo;

import org.apache.flink.api.connector.source.SourceSplit;
import org.apache.flink.core.io.SimpleVersionedSerializer;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * One split of the demo source: the slots {@code s % splits == index}, and how many of their events
 * were already emitted (the position a restore resumes from).
 */
public record DemoSplit(int index, int splits, long emitted) implements SourceSplit {

    @Override
    public String splitId() {
        return "demo-" + index + "-of-" + splits;
    }

    /** Serializer of single splits (reader state). */
    static final class Serializer implements SimpleVersionedSerializer<DemoSplit> {

        @Override
        public int getVersion() {
            return 1;
        }

        @Override
        public byte[] serialize(DemoSplit split) throws IOException {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            try (DataOutputStream out = new DataOutputStream(bytes)) {
                write(split, out);
            }
            return bytes.toByteArray();
        }

        @Override
        public DemoSplit deserialize(int version, byte[] serialized) throws IOException {
            try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(serialized))) {
                return read(in);
            }
        }
    }

    /** Serializer of the enumerator's unassigned splits. */
    static final class ListSerializer implements SimpleVersionedSerializer<List<DemoSplit>> {

        @Override
        public int getVersion() {
            return 1;
        }

        @Override
        public byte[] serialize(List<DemoSplit> splits) throws IOException {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            try (DataOutputStream out = new DataOutputStream(bytes)) {
                out.writeInt(splits.size());
                for (DemoSplit split : splits) {
                    write(split, out);
                }
            }
            return bytes.toByteArray();
        }

        @Override
        public List<DemoSplit> deserialize(int version, byte[] serialized) throws IOException {
            try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(serialized))) {
                int size = in.readInt();
                List<DemoSplit> splits = new ArrayList<>(size);
                for (int i = 0; i < size; i++) {
                    splits.add(read(in));
                }
                return splits;
            }
        }
    }

    private static void write(DemoSplit split, DataOutputStream out) throws IOException {
        out.writeInt(split.index);
        out.writeInt(split.splits);
        out.writeLong(split.emitted);
    }

    private static DemoSplit read(DataInputStream in) throws IOException {
        return new DemoSplit(in.readInt(), in.readInt(), in.readLong());
    }
}
