package dev.cxq.job.sink.webhook;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class WebhookSignatureTest {

    /** The test vector of the Standard Webhooks specification. */
    private static final String SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

    private static final String ID = "msg_p5jXN8AQM9LWM0D4loKWxJek";
    private static final long TIMESTAMP = 1614265330;
    private static final String BODY = "{\"test\": 2432232314}";
    private static final String SIGNATURE = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=";

    @Test
    void signsTheSpecificationsVector() {
        assertThat(WebhookSignature.sign(WebhookSignature.key(SECRET), ID, TIMESTAMP, BODY))
                .isEqualTo(SIGNATURE);
    }

    @Test
    void theSecretsPrefixMayBeLeftOut() {
        assertThat(WebhookSignature.key(SECRET.substring("whsec_".length())))
                .isEqualTo(WebhookSignature.key(SECRET));
    }

    @Test
    void theSignatureCoversTheIdAndTheTimestamp() {
        byte[] key = WebhookSignature.key(SECRET);
        assertThat(WebhookSignature.sign(key, ID, TIMESTAMP + 1, BODY)).isNotEqualTo(SIGNATURE);
        assertThat(WebhookSignature.sign(key, ID + "x", TIMESTAMP, BODY)).isNotEqualTo(SIGNATURE);
        assertThat(WebhookSignature.sign(key, ID, TIMESTAMP, BODY + " ")).isNotEqualTo(SIGNATURE);
    }

    @Test
    void aSecretThatIsNotBase64OfEnoughBytesIsRefusedWithoutBeingQuoted() {
        for (String bad : new String[] {"hunter2-plain-text", "whsec_c2hvcnQ=", "whsec_!!!"}) {
            assertThatThrownBy(() -> WebhookSignature.key(bad))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("not a Standard Webhooks secret")
                    .hasMessageNotContaining(bad);
        }
    }
}
