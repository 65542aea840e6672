package dev.cxq.job.sink.webhook;

import org.apache.flink.connector.base.sink.writer.AsyncSinkWriterStateSerializer;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;

/** Checkpoint format of the messages a webhook writer has not delivered yet. */
final class WebhookMessageStateSerializer extends AsyncSinkWriterStateSerializer<WebhookMessage> {

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
    }

    @Override
    protected WebhookMessage deserializeRequestFromStream(long requestSize, DataInputStream in)
            throws IOException {
        String incidentKey = in.readUTF();
        String state = in.readUTF();
        byte[] body = new byte[in.readInt()];
        in.readFully(body);
        return new WebhookMessage(
                incidentKey,
                state,
                new String(body, java.nio.charset.StandardCharsets.UTF_8),
                in.readInt(),
                in.readInt());
    }

    @Override
    public int getVersion() {
        return 1;
    }
}
