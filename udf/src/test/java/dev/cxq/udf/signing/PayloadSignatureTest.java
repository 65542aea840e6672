package dev.cxq.udf.signing;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PayloadSignatureTest {

    private static final PayloadSignature SIGNATURE =
            new PayloadSignature("s3cret".getBytes(StandardCharsets.UTF_8));
    private static final byte[] BODY = "{\"event_id\":\"e1\"}".getBytes(StandardCharsets.UTF_8);

    @Test
    void signsWithHmacSha256AsTheRfc4231TestVector() {
        // RFC 4231 test case 2: key "Jefe", data "what do ya want for nothing?".
        PayloadSignature jefe = new PayloadSignature("Jefe".getBytes(StandardCharsets.UTF_8));
        assertThat(jefe.sign("what do ya want for nothing?".getBytes(StandardCharsets.UTF_8)))
                .isEqualTo("5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
    }

    @Test
    void acceptsItsOwnSignatureInEitherCaseAndWithThePrefix() {
        String hex = SIGNATURE.sign(BODY);
        assertThat(SIGNATURE.matches(BODY, hex)).isTrue();
        assertThat(SIGNATURE.matches(BODY, hex.toUpperCase())).isTrue();
        assertThat(SIGNATURE.matches(BODY, "sha256=" + hex)).isTrue();
    }

    @Test
    void refusesAnotherBodyAnotherKeyGarbageAndAMissingSignature() {
        String hex = SIGNATURE.sign(BODY);
        assertThat(SIGNATURE.matches("{\"event_id\":\"e2\"}".getBytes(StandardCharsets.UTF_8), hex))
                .isFalse();
        assertThat(
                        new PayloadSignature("other".getBytes(StandardCharsets.UTF_8))
                                .matches(BODY, hex))
                .isFalse();
        assertThat(SIGNATURE.matches(BODY, "not hex")).isFalse();
        assertThat(SIGNATURE.matches(BODY, hex.substring(2))).isFalse();
        assertThat(SIGNATURE.matches(BODY, null)).isFalse();
    }

    @Test
    void neverShowsTheSecret() {
        assertThat(SIGNATURE.toString()).doesNotContain("s3cret");
        assertThatThrownBy(() -> new PayloadSignature(new byte[0]))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
