package dev.cxq.job.backfill;

import org.apache.flink.core.io.SimpleVersionedSerializer;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/** Checkpoint form of splits (reader state) and of the enumerator's pending splits. */
final class BackfillSplitSerializer {

    private static final int VERSION = 1;

    private BackfillSplitSerializer() {}

    static final SimpleVersionedSerializer<BackfillSplit> SPLIT =
            new SimpleVersionedSerializer<>() {
                @Override
                public int getVersion() {
                    return VERSION;
                }

                @Override
                public byte[] serialize(BackfillSplit split) throws IOException {
                    return write(List.of(split));
                }

                @Override
                public BackfillSplit deserialize(int version, byte[] bytes) throws IOException {
                    return read(version, bytes).get(0);
                }
            };

    static final SimpleVersionedSerializer<List<BackfillSplit>> PENDING =
            new SimpleVersionedSerializer<>() {
                @Override
                public int getVersion() {
                    return VERSION;
                }

                @Override
                public byte[] serialize(List<BackfillSplit> splits) throws IOException {
                    return write(splits);
                }

                @Override
                public List<BackfillSplit> deserialize(int version, byte[] bytes)
                        throws IOException {
                    return read(version, bytes);
                }
            };

    private static byte[] write(List<BackfillSplit> splits) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeInt(splits.size());
            for (BackfillSplit split : splits) {
                out.writeLong(split.start());
                out.writeLong(split.end());
                out.writeLong(split.emitted());
            }
        }
        return bytes.toByteArray();
    }

    private static List<BackfillSplit> read(int version, byte[] bytes) throws IOException {
        if (version != VERSION) {
            throw new IOException("unknown backfill split serializer version " + version);
        }
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes))) {
            int count = in.readInt();
            List<BackfillSplit> splits = new ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                splits.add(new BackfillSplit(in.readLong(), in.readLong(), in.readLong()));
            }
            return splits;
        }
    }
}
