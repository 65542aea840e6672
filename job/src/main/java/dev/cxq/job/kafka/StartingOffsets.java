package dev.cxq.job.kafka;

import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;

import org.apache.kafka.clients.consumer.OffsetResetStrategy;

/** Parses {@code --starting-offsets}: {@code earliest|latest|committed|timestamp:MILLIS}. */
public final class StartingOffsets {

    private StartingOffsets() {}

    /**
     * @throws IllegalArgumentException with the accepted forms, for anything else
     */
    public static OffsetsInitializer parse(String value) {
        switch (value) {
            case "earliest":
                return OffsetsInitializer.earliest();
            case "latest":
                return OffsetsInitializer.latest();
            case "committed":
                // A new consumer group has no committed offsets yet: it starts at the beginning
                // rather than skipping what is already in the topic.
                return OffsetsInitializer.committedOffsets(OffsetResetStrategy.EARLIEST);
            default:
                if (value.startsWith("timestamp:")) {
                    try {
                        long millis = Long.parseLong(value.substring("timestamp:".length()));
                        if (millis >= 0) {
                            return OffsetsInitializer.timestamp(millis);
                        }
                    } catch (NumberFormatException e) {
                        // falls through to the error below
                    }
                }
                throw new IllegalArgumentException(
                        "starting offsets must be earliest, latest, committed or"
                                + " timestamp:MILLIS, got: "
                                + value);
        }
    }
}
