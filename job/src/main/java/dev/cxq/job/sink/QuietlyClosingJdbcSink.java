package dev.cxq.job.sink;

import org.apache.flink.api.connector.sink2.Committer;
import org.apache.flink.api.connector.sink2.CommitterInitContext;
import org.apache.flink.api.connector.sink2.CommittingSinkWriter;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.StatefulSinkWriter;
import org.apache.flink.api.connector.sink2.SupportsCommitter;
import org.apache.flink.api.connector.sink2.SupportsWriterState;
import org.apache.flink.api.connector.sink2.WriterInitContext;
import org.apache.flink.connector.jdbc.core.datastream.sink.JdbcSink;
import org.apache.flink.connector.jdbc.core.datastream.sink.committer.JdbcCommitable;
import org.apache.flink.connector.jdbc.core.datastream.sink.writer.JdbcWriter;
import org.apache.flink.connector.jdbc.core.datastream.sink.writer.JdbcWriterState;
import org.apache.flink.core.io.SimpleVersionedSerializer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.Collection;
import java.util.List;

/**
 * The connector's at-least-once {@link JdbcSink} whose writer does not throw from {@code close()}.
 *
 * <p>Why: after a failed write, the connector's writer flushes its pending batch again in {@code
 * close()} and throws when the database is still unreachable. Flink 2.2 treats an exception thrown
 * while a failed task cleans up as fatal for the whole TaskManager (its slots are lost, and a
 * restarted job may never get slots again). Nothing is lost by not throwing: rows still pending at
 * close were written after the last checkpoint (the writer flushes on every checkpoint and at the
 * end of input, and fails there if it cannot), so the restarted job writes them again.
 */
final class QuietlyClosingJdbcSink<IN>
        implements Sink<IN>,
                SupportsWriterState<IN, JdbcWriterState>,
                SupportsCommitter<JdbcCommitable> {

    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(QuietlyClosingJdbcSink.class);

    private final JdbcSink<IN> delegate;

    QuietlyClosingJdbcSink(JdbcSink<IN> delegate) {
        this.delegate = delegate;
    }

    @Override
    public Writer<IN> createWriter(WriterInitContext context) throws IOException {
        return new Writer<>(delegate.createWriter(context));
    }

    @Override
    public Writer<IN> restoreWriter(
            WriterInitContext context, Collection<JdbcWriterState> recoveredState)
            throws IOException {
        return new Writer<>(delegate.restoreWriter(context, recoveredState));
    }

    @Override
    public SimpleVersionedSerializer<JdbcWriterState> getWriterStateSerializer() {
        return delegate.getWriterStateSerializer();
    }

    @Override
    public Committer<JdbcCommitable> createCommitter(CommitterInitContext context)
            throws IOException {
        return delegate.createCommitter(context);
    }

    @Override
    public SimpleVersionedSerializer<JdbcCommitable> getCommittableSerializer() {
        return delegate.getCommittableSerializer();
    }

    static final class Writer<IN> extends ForwardingSinkWriter<IN, JdbcWriter<IN>>
            implements StatefulSinkWriter<IN, JdbcWriterState>,
                    CommittingSinkWriter<IN, JdbcCommitable> {

        Writer(JdbcWriter<IN> delegate) {
            super(delegate);
        }

        @Override
        public List<JdbcWriterState> snapshotState(long checkpointId) throws IOException {
            return delegate.snapshotState(checkpointId);
        }

        @Override
        public Collection<JdbcCommitable> prepareCommit() throws IOException, InterruptedException {
            return delegate.prepareCommit();
        }

        @Override
        public void close() {
            try {
                delegate.close();
            } catch (Exception failedFlush) {
                LOG.warn(
                        "Pending JDBC rows not written at close; they are written again after"
                                + " the restart",
                        failedFlush);
                // The failed flush skipped closing the connection; a second close only does that.
                try {
                    delegate.close();
                } catch (Exception stillFailing) {
                    LOG.debug("JDBC writer close after a failed flush", stillFailing);
                }
            }
        }
    }
}
