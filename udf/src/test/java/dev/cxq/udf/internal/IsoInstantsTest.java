package dev.cxq.udf.internal;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.DateTimeException;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

class IsoInstantsTest {

    /** The reference: what the parser accepted before the fast path, or null when it refused. */
    private static Long formatterMillis(String text) {
        try {
            return OffsetDateTime.parse(text, DateTimeFormatter.ISO_OFFSET_DATE_TIME)
                    .toInstant()
                    .toEpochMilli();
        } catch (DateTimeException | ArithmeticException refused) {
            return null;
        }
    }

    private static Long parsed(String text) {
        try {
            return IsoInstants.parseEpochMillis(text);
        } catch (DateTimeException | ArithmeticException refused) {
            return null;
        }
    }

    /** A text the fast path takes must be one the formatter accepts, with the same instant. */
    private static boolean assertAgrees(String text) {
        Long expected = formatterMillis(text);
        assertThat(parsed(text)).as("parseEpochMillis(%s)", text).isEqualTo(expected);
        long fast = IsoInstants.fastEpochMillis(text);
        if (fast == IsoInstants.NOT_FAST) {
            return false;
        }
        assertThat(expected).as("formatter accepts %s, taken by the fast path", text).isNotNull();
        assertThat(fast).as("fast path on %s", text).isEqualTo(expected);
        return true;
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "2026-01-01T00:00:05Z",
                "2026-01-01T00:00:05.1Z",
                "2026-01-01T00:00:05.12Z",
                "2026-01-01T00:00:05.123Z",
                "2026-01-01T00:00:05.1234Z",
                "2026-01-01T00:00:05.12345Z",
                "2026-01-01T00:00:05.123456Z",
                "2026-01-01T00:00:05.1234567Z",
                "2026-01-01T00:00:05.12345678Z",
                "2026-01-01T00:00:05.123456789Z",
                "2026-03-09T09:30:00-05:00",
                "2026-03-09T17:00:00+00:00",
                "2026-03-09T17:00:00.999+05:30",
                "2026-03-09T17:00:00-00:00",
                "2026-03-09T17:00:00+17:59",
                "2026-03-09T17:00:00-17:59",
                "2024-02-29T23:59:59.999999999Z",
                "2000-02-29T00:00:00Z",
                "1969-12-31T23:59:59.999Z",
                "1900-01-01T00:00:00.5+01:00",
                "0000-01-01T00:00:00Z",
                "0000-02-29T12:00:00Z",
                "9999-12-31T23:59:59.999999999Z",
                "9999-12-31T23:59:59-17:59",
                "0000-01-01T00:00:00+17:59"
            })
    void commonFormsTakeTheFastPathAndMatchTheFormatter(String text) {
        assertThat(assertAgrees(text)).as("%s takes the fast path", text).isTrue();
        assertThat(parsed(text)).isNotNull();
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                // Accepted by the formatter, in forms left to it.
                "2026-01-01T00:00Z",
                "2026-01-01t00:00:05Z",
                "2026-01-01T00:00:05z",
                "2026-01-01T00:00:05.Z",
                "2026-01-01T00:00:05+18:00",
                "2026-01-01T00:00:05-18:00",
                "2026-01-01T00:00:05+01",
                "2026-01-01T00:00:05+0100",
                "2026-01-01T00:00:05+01:00:30",
                "+12026-01-01T00:00:05Z",
                "-0001-01-01T00:00:05Z",
                // Refused by the formatter: the fast path must not accept any of them.
                "2026-02-30T14:00:00Z",
                "2026-02-29T14:00:00Z",
                "1900-02-29T14:00:00Z",
                "2026-04-31T14:00:00Z",
                "2026-00-10T14:00:00Z",
                "2026-13-10T14:00:00Z",
                "2026-01-00T14:00:00Z",
                "2026-01-32T14:00:00Z",
                "2026-01-01T24:00:00Z",
                "2026-01-01T23:60:00Z",
                "2026-01-01T23:59:60Z",
                "2026-01-01T00:00:05.1234567890Z",
                "2026-01-01T00:00:05.123",
                "2026-01-01T00:00:05",
                "2026-01-01T00:00:05+18:01",
                "2026-01-01T00:00:05+19:00",
                "2026-01-01T00:00:05+01:60",
                "2026-01-01T00:00:05+1:00",
                "2026-01-01T00:00:05 Z",
                "2026-01-01T00:00:05ZZ",
                "2026-01-01T00:00:05Z ",
                " 2026-01-01T00:00:05Z",
                "2026-01-01 00:00:05Z",
                "2026/01/01T00:00:05Z",
                "26-01-01T00:00:05Z",
                "20260101T000005Z",
                "2026-1-01T00:00:05Z",
                "２０２６-01-01T00:00:05Z",
                "2026-01-01T00:00:05.１Z",
                "yesterday",
                ""
            })
    void otherFormsAreTheFormattersToDecide(String text) {
        assertAgrees(text);
        if (formatterMillis(text) == null) {
            assertThat(IsoInstants.fastEpochMillis(text)).isEqualTo(IsoInstants.NOT_FAST);
        }
    }

    @Test
    void fastPathAndFormatterAgreeOnRandomTexts() {
        Random random = new Random(20260101);
        int fast = 0;
        int accepted = 0;
        for (int i = 0; i < 200_000; i++) {
            String text = i % 2 == 0 ? nearlyValid(random) : mutated(random);
            if (assertAgrees(text)) {
                fast++;
            }
            if (formatterMillis(text) != null) {
                accepted++;
            }
        }
        // The generators must exercise both paths, or the agreement above proves little.
        assertThat(fast).isGreaterThan(20_000);
        assertThat(accepted - fast).isGreaterThan(1_000);
        assertThat(200_000 - accepted).isGreaterThan(20_000);
    }

    /** Every field drawn a little beyond its range, so edges and invalid values are frequent. */
    private static String nearlyValid(Random random) {
        StringBuilder text = new StringBuilder();
        int year = random.nextInt(4) == 0 ? random.nextInt(10_000) : 1896 + random.nextInt(210);
        text.append(String.format("%04d-%02d-%02d", year, random.nextInt(14), random.nextInt(33)));
        text.append(random.nextInt(20) == 0 ? 't' : 'T');
        text.append(String.format("%02d:%02d", random.nextInt(25), random.nextInt(61)));
        if (random.nextInt(20) != 0) {
            text.append(String.format(":%02d", random.nextInt(61)));
            if (random.nextBoolean()) {
                text.append('.');
                int digits = random.nextInt(11);
                for (int d = 0; d < digits; d++) {
                    text.append((char) ('0' + random.nextInt(10)));
                }
            }
        }
        switch (random.nextInt(8)) {
            case 0, 1, 2 -> text.append('Z');
            case 3 -> text.append(random.nextBoolean() ? 'z' : "");
            case 4 -> text.append(String.format("+%02d", random.nextInt(20)));
            default ->
                    text.append(random.nextBoolean() ? '+' : '-')
                            .append(
                                    String.format(
                                            "%02d:%02d", random.nextInt(20), random.nextInt(61)));
        }
        return text.toString();
    }

    /** A valid text with one character replaced, inserted or removed. */
    private static String mutated(Random random) {
        StringBuilder text =
                new StringBuilder(
                        java.time.Instant.ofEpochMilli(random.nextLong() % 253_402_300_799_999L)
                                .toString());
        if (text.charAt(0) == '-') {
            return text.toString();
        }
        int at = random.nextInt(text.length());
        char c = "0123456789-:.TZ+ ".charAt(random.nextInt(17));
        switch (random.nextInt(4)) {
            case 0 -> text.setCharAt(at, c);
            case 1 -> text.insert(at, c);
            case 2 -> text.deleteCharAt(at);
            default -> {
                // Unchanged: the form Instant.toString writes, fractions of 0, 3, 6 or 9 digits.
            }
        }
        return text.toString();
    }
}
