package dev.cxq.job.sink;

import org.apache.flink.api.connector.sink2.Sink;

import java.nio.file.Path;

/**
 * File output for runs without a database: one directory per table under the output directory,
 * holding the finished {@code part-*.jsonl} files of {@link JsonLinesSink} (exactly once), one JSON
 * object per row with the table's columns. A key written more than once (an upsert) appears once
 * per write, possibly in several part files: per key, the line with the highest {@code row_version}
 * ({@code ended_at} for {@code session_quality}) is the row, as in the database; not the last line.
 */
public final class JsonLinesSinks implements CxqSinks {

    private final String outputDir;
    private final int metricVersion;

    public JsonLinesSinks(Path outputDir, int metricVersion) {
        this.outputDir = outputDir.toAbsolutePath().toString();
        this.metricVersion = metricVersion;
    }

    @Override
    public <T> Sink<T> sink(Table<T> table) {
        return JsonLinesSink.of(outputDir, table, metricVersion);
    }
}
