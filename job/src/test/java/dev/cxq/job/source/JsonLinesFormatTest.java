package dev.cxq.job.source;

import dev.cxq.udf.model.RawRecord;

import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.file.src.FileSourceSplit;
import org.apache.flink.connector.file.src.reader.BulkFormat;
import org.apache.flink.connector.file.src.util.CheckpointedPosition;
import org.apache.flink.connector.file.src.util.RecordAndPosition;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class JsonLinesFormatTest {

    @TempDir Path dir;

    private FileSourceSplit split(Path file, CheckpointedPosition position) throws Exception {
        return new FileSourceSplit(
                "0",
                new org.apache.flink.core.fs.Path(file.toUri()),
                0,
                Files.size(file),
                0,
                Files.size(file),
                new String[0],
                position);
    }

    /**
     * Reads everything, returning each record with the position a checkpoint after it would store.
     */
    private static List<RecordAndPosition<RawRecord>> readAll(BulkFormat.Reader<RawRecord> reader)
            throws Exception {
        List<RecordAndPosition<RawRecord>> out = new ArrayList<>();
        BulkFormat.RecordIterator<RawRecord> batch;
        while ((batch = reader.readBatch()) != null) {
            RecordAndPosition<RawRecord> next;
            while ((next = batch.next()) != null) {
                out.add(
                        new RecordAndPosition<>(
                                next.getRecord(), next.getOffset(), next.getRecordSkipCount()));
            }
            batch.releaseBatch();
        }
        reader.close();
        return out;
    }

    @Test
    void numbersLinesFromOneAndSkipsBlankLines() throws Exception {
        Path file =
                Files.writeString(dir.resolve("a.jsonl"), "{\"a\":1}\n\n   \n{\"a\":2}\n{\"a\":3}");
        List<RecordAndPosition<RawRecord>> records =
                readAll(new JsonLinesFormat().createReader(new Configuration(), split(file, null)));

        String prefix = file.toAbsolutePath().toUri().getPath() + ":";
        assertThat(records)
                .extracting(r -> r.getRecord().source, r -> r.getRecord().payload)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple(prefix + "1", "{\"a\":1}"),
                        org.assertj.core.groups.Tuple.tuple(prefix + "4", "{\"a\":2}"),
                        org.assertj.core.groups.Tuple.tuple(prefix + "5", "{\"a\":3}"));
        assertThat(records)
                .extracting(RecordAndPosition::getRecordSkipCount)
                .containsExactly(1L, 2L, 3L);
    }

    @Test
    void restoringFromACheckpointedPositionResumesAfterTheLastEmittedRecord() throws Exception {
        // More lines than one batch, with blank lines, so positions cross batch boundaries.
        String content =
                IntStream.rangeClosed(1, 3000)
                        .mapToObj(i -> i % 10 == 0 ? "\n{\"n\":" + i + "}" : "{\"n\":" + i + "}")
                        .collect(Collectors.joining("\n"));
        Path file = Files.writeString(dir.resolve("big.jsonl"), content);
        JsonLinesFormat format = new JsonLinesFormat();
        List<RecordAndPosition<RawRecord>> all =
                readAll(format.createReader(new Configuration(), split(file, null)));
        assertThat(all).hasSize(3000);

        for (int cut : new int[] {1, 1023, 1024, 1025, 2999}) {
            RecordAndPosition<RawRecord> last = all.get(cut - 1);
            CheckpointedPosition position =
                    new CheckpointedPosition(last.getOffset(), last.getRecordSkipCount());
            List<RecordAndPosition<RawRecord>> rest =
                    readAll(format.restoreReader(new Configuration(), split(file, position)));
            assertThat(rest)
                    .extracting(r -> r.getRecord())
                    .as("records after a checkpoint at record %d", cut)
                    .containsExactlyElementsOf(
                            all.subList(cut, all.size()).stream().map(r -> r.getRecord()).toList());
        }
    }

    @Test
    void directoryInputListsOnlyJsonlFilesRecursivelyInNameOrder() throws Exception {
        Files.createDirectories(dir.resolve("in/sub"));
        Files.writeString(dir.resolve("in/b.jsonl"), "{}");
        Files.writeString(dir.resolve("in/sub/a.jsonl"), "{}");
        Files.writeString(dir.resolve("in/notes.txt"), "x");
        Files.writeString(dir.resolve("in/.hidden.jsonl"), "{}");

        assertThat(ReplaySource.listInputFiles(dir.resolve("in")))
                .extracting(p -> p.getName())
                .containsExactly("b.jsonl", "a.jsonl");
        assertThatThrownBy(() -> ReplaySource.listInputFiles(dir.resolve("in/sub/none")))
                .hasMessageContaining("does not exist");
        Files.createDirectories(dir.resolve("empty"));
        assertThatThrownBy(() -> ReplaySource.listInputFiles(dir.resolve("empty")))
                .hasMessageContaining("holds no .jsonl file");
    }
}
