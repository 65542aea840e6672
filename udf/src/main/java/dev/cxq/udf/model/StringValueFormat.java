package dev.cxq.udf.model;

import org.apache.flink.types.StringValue;

import java.io.DataInput;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * Reads strings in {@link StringValue}'s format (the length plus one, then each char, as 7-bit
 * groups with a continuation bit), which cxq's serializers write with {@link
 * StringValue#writeString}. Flink's reader takes each char through a virtual {@code
 * readUnsignedByte} into a thread-local buffer and then compresses it into a string: 9 % of the
 * task threads on the heap backend in issue 17's profile. Ids, sources and names are ASCII, one
 * byte a char, so this reads the string's length in bytes at once and makes the string from them,
 * decoding chars one by one only from the first byte that continues a char.
 */
public final class StringValueFormat {

    private static final int CONTINUES = 0x80;

    private StringValueFormat() {}

    /** The next string of {@code in}, or null: what {@link StringValue#readString} returns. */
    public static String read(DataInput in) throws IOException {
        return readAfterFirstByte(in.readUnsignedByte(), in);
    }

    /** {@link #read} of a string whose first byte, {@code first}, the caller has read. */
    public static String readAfterFirstByte(int first, DataInput in) throws IOException {
        int length = readVarint(first, in);
        if (length == 0) {
            return null;
        }
        length--;
        // A char is at least one byte: the string's first `length` bytes are all its own.
        byte[] bytes = new byte[length];
        in.readFully(bytes);
        for (int i = 0; i < length; i++) {
            if (bytes[i] < 0) {
                return decodeFrom(i, bytes, in);
            }
        }
        return new String(bytes, StandardCharsets.ISO_8859_1);
    }

    /** The chars from {@code first} on, where a char takes more than one byte. */
    private static String decodeFrom(int first, byte[] bytes, DataInput in) throws IOException {
        int length = bytes.length;
        char[] chars = new char[length];
        for (int i = 0; i < first; i++) {
            chars[i] = (char) bytes[i];
        }
        int position = first;
        for (int c = first; c < length; c++) {
            int value = 0;
            int shift = 0;
            int next;
            do {
                next = position < length ? bytes[position++] & 0xFF : in.readUnsignedByte();
                value |= (next & ~CONTINUES) << shift;
                shift += 7;
            } while (next >= CONTINUES);
            chars[c] = (char) value;
        }
        return new String(chars);
    }

    private static int readVarint(int first, DataInput in) throws IOException {
        if (first < CONTINUES) {
            return first;
        }
        int value = first & ~CONTINUES;
        int shift = 7;
        int next;
        while ((next = in.readUnsignedByte()) >= CONTINUES) {
            value |= (next & ~CONTINUES) << shift;
            shift += 7;
        }
        return value | next << shift;
    }
}
