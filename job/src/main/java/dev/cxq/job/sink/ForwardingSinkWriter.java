package dev.cxq.job.sink;

import org.apache.flink.api.common.eventtime.Watermark;
import org.apache.flink.api.connector.sink2.SinkWriter;

import java.io.IOException;

/**
 * A {@link SinkWriter} that hands every call to another one; a wrapper overrides only the calls it
 * changes.
 */
public abstract class ForwardingSinkWriter<IN, W extends SinkWriter<IN>> implements SinkWriter<IN> {

    protected final W delegate;

    protected ForwardingSinkWriter(W delegate) {
        this.delegate = delegate;
    }

    @Override
    public void write(IN element, Context context) throws IOException, InterruptedException {
        delegate.write(element, context);
    }

    @Override
    public void writeWatermark(Watermark watermark) throws IOException, InterruptedException {
        delegate.writeWatermark(watermark);
    }

    @Override
    public void flush(boolean endOfInput) throws IOException, InterruptedException {
        delegate.flush(endOfInput);
    }

    @Override
    public void close() throws Exception {
        delegate.close();
    }
}
