package dev.cxq.job.source;

import dev.cxq.udf.model.RawRecord;

import org.apache.flink.connector.file.src.FileSource;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/** The bounded source of replays and backfills: JSON Lines files. */
public final class ReplaySource {

    private ReplaySource() {}

    /**
     * A bounded source over {@code input}: the file itself, or every {@code *.jsonl} file below a
     * directory (recursively, in name order, hidden files skipped).
     *
     * @throws IllegalArgumentException when the input does not exist or holds no .jsonl file (the
     *     message names the problem; the caller names the input)
     */
    public static FileSource<RawRecord> of(Path input) {
        org.apache.flink.core.fs.Path[] files = listInputFiles(input);
        return FileSource.forBulkFileFormat(new JsonLinesFormat(), files).build();
    }

    static org.apache.flink.core.fs.Path[] listInputFiles(Path input) {
        if (Files.isRegularFile(input)) {
            return new org.apache.flink.core.fs.Path[] {toFlinkPath(input)};
        }
        if (!Files.isDirectory(input)) {
            throw new IllegalArgumentException("does not exist: " + input);
        }
        try (Stream<Path> walk = Files.walk(input)) {
            org.apache.flink.core.fs.Path[] files =
                    walk.filter(Files::isRegularFile)
                            .filter(p -> p.getFileName().toString().endsWith(".jsonl"))
                            .filter(p -> !p.getFileName().toString().startsWith("."))
                            .sorted()
                            .map(ReplaySource::toFlinkPath)
                            .toArray(org.apache.flink.core.fs.Path[]::new);
            if (files.length == 0) {
                throw new IllegalArgumentException("holds no .jsonl file: " + input);
            }
            return files;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + input, e);
        }
    }

    private static org.apache.flink.core.fs.Path toFlinkPath(Path path) {
        return new org.apache.flink.core.fs.Path(path.toAbsolutePath().normalize().toUri());
    }
}
