package dev.cxq.job.source;

import dev.cxq.udf.model.RawRecord;

import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.file.src.FileSourceSplit;
import org.apache.flink.connector.file.src.reader.BulkFormat;
import org.apache.flink.connector.file.src.util.ArrayResultIterator;
import org.apache.flink.connector.file.src.util.CheckpointedPosition;
import org.apache.flink.core.fs.FSDataInputStream;
import org.apache.flink.core.fs.Path;

import javax.annotation.Nullable;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;

/**
 * Reads JSON Lines files as {@link RawRecord}s whose source is {@code path:line} (1-based), so a
 * rejected line can be found again. Files are streamed batch by batch, never loaded whole. The
 * checkpointed position is the number of records already emitted; a restored reader skips that many
 * records. Blank lines are not records, but they count for line numbers.
 */
public final class JsonLinesFormat implements BulkFormat<RawRecord, FileSourceSplit> {

    private static final long serialVersionUID = 1L;

    private static final int BATCH_SIZE = 1024;

    @Override
    public Reader<RawRecord> createReader(Configuration config, FileSourceSplit split)
            throws IOException {
        return new LineReader(split.path(), 0);
    }

    @Override
    public Reader<RawRecord> restoreReader(Configuration config, FileSourceSplit split)
            throws IOException {
        long recordsDone =
                split.getReaderPosition()
                        .map(CheckpointedPosition::getRecordsAfterOffset)
                        .orElse(0L);
        return new LineReader(split.path(), recordsDone);
    }

    @Override
    public boolean isSplittable() {
        return false;
    }

    @Override
    public TypeInformation<RawRecord> getProducedType() {
        return TypeInformation.of(RawRecord.class);
    }

    private static final class LineReader implements BulkFormat.Reader<RawRecord> {

        private final String sourceName;
        private final BufferedReader lines;
        private long lineNumber;
        private long recordsEmitted;

        LineReader(Path path, long recordsToSkip) throws IOException {
            this.sourceName = path.toUri().getPath();
            FSDataInputStream stream = path.getFileSystem().open(path);
            this.lines = new BufferedReader(new InputStreamReader(stream, StandardCharsets.UTF_8));
            String line;
            while (recordsEmitted < recordsToSkip && (line = lines.readLine()) != null) {
                lineNumber++;
                if (!line.isBlank()) {
                    recordsEmitted++;
                }
            }
        }

        @Nullable
        @Override
        public RecordIterator<RawRecord> readBatch() throws IOException {
            RawRecord[] batch = new RawRecord[BATCH_SIZE];
            int count = 0;
            String line = null;
            while (count < BATCH_SIZE && (line = lines.readLine()) != null) {
                lineNumber++;
                if (!line.isBlank()) {
                    batch[count++] = new RawRecord(sourceName + ":" + lineNumber, line);
                }
            }
            if (count == 0 && line == null) {
                return null;
            }
            ArrayResultIterator<RawRecord> iterator = new ArrayResultIterator<>();
            iterator.set(batch, count, CheckpointedPosition.NO_OFFSET, recordsEmitted);
            recordsEmitted += count;
            return iterator;
        }

        @Override
        public void close() throws IOException {
            lines.close();
        }
    }
}
