package dev.cxq.udf.model;

import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.apache.flink.types.StringValue;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

class StringValueFormatTest {

    private static final int END = 0x5EED;

    /**
     * Whatever Flink's writer wrote, this reads the same string and leaves the input where Flink's
     * reader leaves it: ASCII, Latin-1, other planes (surrogate pairs), multi-byte chars first,
     * last or alone, lengths whose own varint takes one to three bytes, the empty string and null.
     */
    @Test
    void readsWhatStringValueWritesAsStringValueReadsIt() throws IOException {
        Random random = new Random(17);
        List<String> strings = new ArrayList<>();
        strings.add(null);
        strings.add("");
        strings.add("\u00e9");
        strings.add("caf\u00e9");
        strings.add("\u20ac12");
        strings.add("\ud83d\ude00 ok");
        strings.add("x".repeat(126));
        strings.add("x".repeat(127));
        strings.add("x".repeat(20_000));
        for (int n = 0; n < 500; n++) {
            strings.add(randomString(random));
        }

        DataOutputSerializer out = new DataOutputSerializer(1 << 16);
        for (String string : strings) {
            StringValue.writeString(string, out);
            out.writeInt(END);
        }
        byte[] written = out.getCopyOfBuffer();

        DataInputDeserializer ours = new DataInputDeserializer(written);
        DataInputDeserializer flinks = new DataInputDeserializer(written);
        for (String string : strings) {
            String read = StringValueFormat.read(ours);
            assertThat(read).isEqualTo(StringValue.readString(flinks)).isEqualTo(string);
            assertThat(ours.readInt()).isEqualTo(flinks.readInt()).isEqualTo(END);
        }
        assertThat(ours.available()).isZero();
    }

    private static String randomString(Random random) {
        int length = random.nextInt(4) == 0 ? random.nextInt(3000) : random.nextInt(60);
        int alphabet = random.nextInt(4);
        StringBuilder string = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            string.append(
                    switch (alphabet) {
                        case 0 -> (char) (' ' + random.nextInt(95));
                        case 1 -> (char) random.nextInt(0x100);
                        case 2 ->
                                random.nextInt(20) == 0
                                        ? (char) (0x80 + random.nextInt(0xFF80))
                                        : (char) ('a' + random.nextInt(26));
                        default -> (char) random.nextInt(0x10000);
                    });
        }
        return string.toString();
    }
}
