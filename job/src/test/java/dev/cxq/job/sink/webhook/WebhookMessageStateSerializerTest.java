package dev.cxq.job.sink.webhook;

import org.apache.flink.connector.base.sink.writer.AsyncSinkWriterStateSerializer;
import org.apache.flink.connector.base.sink.writer.BufferedRequestState;
import org.apache.flink.connector.base.sink.writer.RequestEntryWrapper;

import org.junit.jupiter.api.Test;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class WebhookMessageStateSerializerTest {

    private static final WebhookMessage WAITING =
            new WebhookMessage("inc-1", "firing", "{\"n\":1}", 3, 503, 1_700_000_000_000L);

    private static BufferedRequestState<WebhookMessage> state(WebhookMessage message) {
        return new BufferedRequestState<>(
                List.of(new RequestEntryWrapper<>(message, message.body().length())));
    }

    private static List<WebhookMessage> messages(BufferedRequestState<WebhookMessage> state) {
        return state.getBufferedRequestEntries().stream()
                .map(RequestEntryWrapper::getRequestEntry)
                .toList();
    }

    @Test
    void aWaitingMessageKeepsItsAttemptsStatusAndFirstCallTime() throws IOException {
        WebhookMessageStateSerializer serializer = new WebhookMessageStateSerializer();

        byte[] bytes = serializer.serialize(state(WAITING));

        assertThat(messages(serializer.deserialize(serializer.getVersion(), bytes)))
                .containsExactly(WAITING);
    }

    @Test
    void aVersionOneStateIsReadWithItsWindowStartingAtTheNextCall() throws IOException {
        byte[] versionOne = new VersionOneFormat().serialize(state(WAITING));

        assertThat(messages(new WebhookMessageStateSerializer().deserialize(1, versionOne)))
                .containsExactly(new WebhookMessage("inc-1", "firing", "{\"n\":1}", 3, 503, 0));
    }

    /** The format before the first-call time was added. */
    private static final class VersionOneFormat
            extends AsyncSinkWriterStateSerializer<WebhookMessage> {

        @Override
        protected void serializeRequestToStream(WebhookMessage message, DataOutputStream out)
                throws IOException {
            out.writeUTF(message.incidentKey());
            out.writeUTF(message.state());
            byte[] body = message.body().getBytes(StandardCharsets.UTF_8);
            out.writeInt(body.length);
            out.write(body);
            out.writeInt(message.attempts());
            out.writeInt(message.lastStatus());
        }

        @Override
        protected WebhookMessage deserializeRequestFromStream(long size, DataInputStream in) {
            throw new UnsupportedOperationException("writes only");
        }

        @Override
        public int getVersion() {
            return 1;
        }
    }
}
