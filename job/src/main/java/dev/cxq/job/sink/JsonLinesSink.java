package dev.cxq.job.sink;

import org.apache.flink.api.common.serialization.Encoder;
import org.apache.flink.connector.file.sink.FileSink;
import org.apache.flink.core.fs.Path;
import org.apache.flink.streaming.api.functions.sink.filesystem.OutputFileConfig;
import org.apache.flink.streaming.api.functions.sink.filesystem.bucketassigners.BasePathBucketAssigner;
import org.apache.flink.streaming.api.functions.sink.filesystem.rollingpolicies.OnCheckpointRollingPolicy;

import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * The rows of one table as JSON Lines under {@code <dir>/<table>/}, through Flink's {@link
 * FileSink}: exactly once in streaming and batch runs.
 *
 * <p>A subtask writes into a hidden in-progress file ({@code .part-…inprogress…}); a checkpoint
 * closes it and, once the checkpoint is complete, renames it to its final name {@code
 * part-<uuid>-<subtask>-<n>.jsonl}. After a failure the job resumes from the last checkpoint, whose
 * in-progress files are truncated back to their checkpointed length, so finished files hold every
 * row exactly once. Batch runs and bounded streaming runs finish their files at the end of input.
 * Readers take the {@code part-*} files and skip the hidden ones.
 */
public final class JsonLinesSink {

    static final String PART_PREFIX = "part";
    static final String PART_SUFFIX = ".jsonl";

    private JsonLinesSink() {}

    /** The file sink of {@code table} under {@code outputDir}. */
    public static <T> FileSink<T> of(String outputDir, Table<T> table, int metricVersion) {
        return FileSink.forRowFormat(
                        new Path(outputDir, table.name()), new RowEncoder<>(table, metricVersion))
                .withBucketAssigner(new BasePathBucketAssigner<>())
                .withRollingPolicy(OnCheckpointRollingPolicy.build())
                .withOutputFileConfig(
                        OutputFileConfig.builder()
                                .withPartPrefix(PART_PREFIX)
                                .withPartSuffix(PART_SUFFIX)
                                .build())
                .build();
    }

    /** One row as one line: the table's columns ({@link Table#toJson}). */
    private static final class RowEncoder<T> implements Encoder<T> {

        private static final long serialVersionUID = 1L;

        private final Table<T> table;
        private final int metricVersion;
        private transient ObjectMapper mapper;

        RowEncoder(Table<T> table, int metricVersion) {
            this.table = table;
            this.metricVersion = metricVersion;
        }

        @Override
        public void encode(T row, OutputStream stream) throws IOException {
            if (mapper == null) {
                mapper = new ObjectMapper();
            }
            stream.write(
                    mapper.writeValueAsString(table.toJson(mapper, row, metricVersion))
                            .getBytes(StandardCharsets.UTF_8));
            stream.write('\n');
        }
    }
}
