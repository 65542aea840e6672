package dev.cxq.udf.adapter;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/** The example platform payloads under {@code src/test/resources/payloads}. */
final class Payloads {

    static final String CONVERSATION = "4f1e2d3c-5b6a-4789-9abc-def012345678";

    private Payloads() {}

    static String read(String name) {
        try (InputStream in = Payloads.class.getResourceAsStream("/payloads/" + name)) {
            if (in == null) {
                throw new IllegalArgumentException("no test payload " + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
