package dev.cxq.udf.json;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The edges of the reader itself, beyond what the parser's tests send. */
class JsonTest {

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "'   '",
                "'\n'",
                "'{}{}'",
                "'{} []'",
                "'null null'",
                "'nul'",
                "'{\"a\":1,}'",
                "'{\"a\":{\"b\":1,\"b\":1}}'",
                "'{\"a\":null,\"a\":null}'",
                "'{\"a\":{},\"a\":[]}'",
                "'[{\"a\":1},{\"b\":1,\"c\":[{\"d\":1,\"d\":\"x\"}]}]'",
                "'{\"a\":1,\"b\":2,\"c\":3,\"d\":4,\"a\":5}'",
                "'{\"a\":Infinity}'",
                "'{\"a\":01}'",
                "'{''a'':1}'"
            })
    void refusesWhatIsNotExactlyOneJsonValue(String payload) {
        assertThatThrownBy(() -> Json.readTree(payload))
                .isInstanceOfSatisfying(
                        RejectedRecordException.class,
                        e -> assertThat(e.reason()).isEqualTo("invalid_json"));
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "' null '|null",
                "'{\"a\":[1,2.5,true,null,\"x\"]}'|{\"a\":[1,2.5,true,null,\"x\"]}",
                "'{\"a\":1,\"b\":{\"a\":2}}'|{\"a\":1,\"b\":{\"a\":2}}",
                "'{\"mos\":4.2e0,\"x\":-0.0}'|{\"mos\":4.2,\"x\":-0.0}",
                "'{\"a\":1e999,\"b\":1e-999,\"c\":0.30000000000000004}'|{\"a\":\"Infinity\",\"b\":0.0,\"c\":0.30000000000000004}"
            })
    void readsOneJsonValue(String payload, String tree) {
        assertThat(Json.readTree(payload)).hasToString(tree);
    }

    /** Numbers read into the tree are exactly the doubles Java's own parser gives. */
    @Test
    void readsNumbersAsTheNearestDouble() {
        Random random = new Random(42);
        for (int i = 0; i < 100_000; i++) {
            String number = randomJsonNumber(random);
            assertThat(Json.readTree("{\"n\":" + number + "}").get("n").doubleValue())
                    .as(number)
                    .isEqualTo(Double.parseDouble(number));
        }
    }

    private static String randomJsonNumber(Random random) {
        StringBuilder number = new StringBuilder();
        if (random.nextInt(4) == 0) {
            number.append('-');
        }
        number.append(random.nextInt(3) == 0 ? "0" : Long.toString(1 + random.nextInt(1_000_000)));
        if (random.nextInt(4) != 0) {
            number.append('.');
            int digits = 1 + random.nextInt(20);
            for (int d = 0; d < digits; d++) {
                number.append((char) ('0' + random.nextInt(10)));
            }
        }
        if (random.nextInt(3) == 0) {
            number.append(random.nextBoolean() ? 'e' : 'E')
                    .append(random.nextBoolean() ? "-" : "")
                    .append(random.nextInt(330));
        }
        if (random.nextInt(10) == 0) {
            // Exactly representable or halfway cases are where a sloppy parser rounds wrong.
            return Double.toString(
                    Double.longBitsToDouble(random.nextLong() & 0x7fefffffffffffffL));
        }
        return number.toString();
    }
}
