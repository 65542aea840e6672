package dev.cxq.job.sink.webhook;

import org.apache.flink.connector.base.sink.writer.AsyncSinkWriterStateSerializer;
import org.apache.flink.connector.base.sink.writer.BufferedRequestState;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;

/**
 * Checkpoint format of the messages a webhook writer has not delivered yet. Version 2 added the
 * time of the first call; a version 1 message restarts its retry window at its next call.
 */
final class WebhookMessageStateSerializer extends AsyncSinkWriterStateSerializer<WebhookMessage> {

    private static final int VERSION = 2;

    /** The version being read: the base class does not pass it on to the entry reader. */
    private int readingVersion = VERSION;

    @Override
    public BufferedRequestState<WebhookMessage> deserialize(int version, byte[] serialized)
            throws IOException {
        readingVersion = version;
        return super.deserialize(version, serialized);
    }

    @Override
    protected void serializeRequestToStream(WebhookMessage message, DataOutputStream out)
            throws IOException {
        out.writeUTF(message.incidentKey());
        out.writeUTF(message.state());
        byte[] body = message.body().getBytes(java.nio.charset.StandardCharsets.UTF_8);
        out.writeInt(body.length);
        out.write(body);
        out.writeInt(message.attempts());
        out.writeInt(message.lastStatus());
        out.writeLong(message.firstAttemptMillis());
    }

    @Override
    protected WebhookMessage deserializeRequestFromStream(long requestSize, DataInputStream in)
            throws IOException {
        String incidentKey = in.readUTF();
        String state = in.readUTF();
        byte[] body = new byte[in.readInt()];
        in.readFully(body);
        int attempts = in.readInt();
        int lastStatus = in.readInt();
        long firstAttemptMillis = readingVersion >= 2 ? in.readLong() : 0;
        return new WebhookMessage(
                incidentKey,
                state,
                new String(body, java.nio.charset.StandardCharsets.UTF_8),
                attempts,
                lastStatus,
                firstAttemptMillis);
    }

    @Override
    public int getVersion() {
        return VERSION;
    }
}
