package dev.cxq.udf.internal;

import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;

/**
 * Epoch milliseconds of an ISO-8601 date-time with offset, exactly as {@link
 * DateTimeFormatter#ISO_OFFSET_DATE_TIME} reads it, but without its cost for the form producers
 * send nearly always ({@code 2026-01-01T00:00:05Z}, {@code ...05.123Z}, {@code ...05+02:00}).
 *
 * <p>The fast path only ever accepts: a text it does not recognise as valid (another layout, an
 * impossible date, lowercase {@code t}, an offset with seconds, ...) goes to the formatter, which
 * decides and throws exactly as before. So the set of accepted texts and the exceptions for the
 * rejected ones are the formatter's.
 */
public final class IsoInstants {

    /** Returned by the fast path when the formatter has to decide. */
    static final long NOT_FAST = Long.MIN_VALUE;

    private static final int[] DAYS_IN_MONTH = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};

    private IsoInstants() {}

    /**
     * The instant's epoch milliseconds (sub-millisecond digits truncated, as {@link
     * java.time.Instant#toEpochMilli} does).
     *
     * @throws java.time.DateTimeException when the formatter refuses the text
     * @throws ArithmeticException when the instant does not fit in epoch milliseconds
     */
    public static long parseEpochMillis(String text) {
        long millis = fastEpochMillis(text);
        if (millis != NOT_FAST) {
            return millis;
        }
        return OffsetDateTime.parse(text, DateTimeFormatter.ISO_OFFSET_DATE_TIME)
                .toInstant()
                .toEpochMilli();
    }

    /**
     * {@code yyyy-MM-ddTHH:mm:ss[.f{1,9}](Z|±HH:mm)} with every field in range, else {@link
     * #NOT_FAST}. Package-visible so tests can tell which path a text took.
     */
    static long fastEpochMillis(String text) {
        int length = text.length();
        // Shortest: 2026-01-01T00:00:05Z (20 chars); longest: 9 fraction digits and +hh:mm (35).
        if (length < 20 || length > 35) {
            return NOT_FAST;
        }
        int year = digits(text, 0, 4);
        int month = digits(text, 5, 2);
        int day = digits(text, 8, 2);
        int hour = digits(text, 11, 2);
        int minute = digits(text, 14, 2);
        int second = digits(text, 17, 2);
        if ((year | month | day | hour | minute | second) < 0
                || text.charAt(4) != '-'
                || text.charAt(7) != '-'
                || text.charAt(10) != 'T'
                || text.charAt(13) != ':'
                || text.charAt(16) != ':'
                || month < 1
                || month > 12
                || day < 1
                || day > daysInMonth(year, month)
                || hour > 23
                || minute > 59
                || second > 59) {
            return NOT_FAST;
        }
        int pos = 19;
        int nanos = 0;
        if (text.charAt(pos) == '.') {
            int start = ++pos;
            while (pos < length && pos - start < 9 && isDigit(text.charAt(pos))) {
                nanos = nanos * 10 + (text.charAt(pos) - '0');
                pos++;
            }
            int fractionDigits = pos - start;
            if (fractionDigits == 0 || pos == length) {
                return NOT_FAST;
            }
            for (int i = fractionDigits; i < 9; i++) {
                nanos *= 10;
            }
        }
        int offsetSeconds;
        char sign = text.charAt(pos);
        if (sign == 'Z' && pos + 1 == length) {
            offsetSeconds = 0;
        } else if ((sign == '+' || sign == '-') && pos + 6 == length) {
            int offsetHours = digits(text, pos + 1, 2);
            int offsetMinutes = digits(text, pos + 4, 2);
            if ((offsetHours | offsetMinutes) < 0
                    || text.charAt(pos + 3) != ':'
                    || offsetHours > 17
                    || offsetMinutes > 59) {
                return NOT_FAST;
            }
            int magnitude = offsetHours * 3600 + offsetMinutes * 60;
            offsetSeconds = sign == '-' ? -magnitude : magnitude;
        } else {
            return NOT_FAST;
        }
        long epochDay = LocalDate.of(year, month, day).toEpochDay();
        long epochSecond = epochDay * 86_400 + hour * 3600 + minute * 60 + second - offsetSeconds;
        // Floors like Instant.toEpochMilli: nanos are never negative.
        return epochSecond * 1000 + nanos / 1_000_000;
    }

    private static int daysInMonth(int year, int month) {
        boolean leap = (year & 3) == 0 && (year % 100 != 0 || year % 400 == 0);
        return month == 2 && leap ? 29 : DAYS_IN_MONTH[month - 1];
    }

    /** The non-negative value of {@code count} ASCII digits at {@code start}, else -1. */
    private static int digits(String text, int start, int count) {
        int value = 0;
        for (int i = start; i < start + count; i++) {
            char c = text.charAt(i);
            if (!isDigit(c)) {
                return -1;
            }
            value = value * 10 + (c - '0');
        }
        return value;
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }
}
