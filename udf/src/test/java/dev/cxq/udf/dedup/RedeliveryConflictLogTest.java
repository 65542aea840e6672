package dev.cxq.udf.dedup;

import dev.cxq.udf.model.CanonicalEvent;
import dev.cxq.udf.model.CanonicalEventSerializer;
import dev.cxq.udf.model.InteractionState;
import dev.cxq.udf.model.Platform;
import dev.cxq.udf.testing.SessionHarness;

import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;

import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.Logger;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.AbstractAppender;
import org.apache.logging.log4j.core.config.Configurator;
import org.apache.logging.log4j.core.config.Property;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static dev.cxq.udf.testing.Events.interaction;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A redelivery whose content differs from the first delivery is logged (issue 14: "counted and
 * logged as a conflict"), with the id, the platform and where the copy was read, so that an
 * operator can find the producer that reuses ids; a redelivery with the same content is not.
 */
class RedeliveryConflictLogTest {

    private final Captured captured = new Captured();
    private Logger logger;

    @BeforeEach
    void capture() {
        logger =
                ((LoggerContext) LogManager.getContext(false))
                        .getLogger(Redeliveries.class.getName());
        captured.start();
        logger.addAppender(captured);
        Configurator.setLevel(Redeliveries.class.getName(), Level.WARN);
    }

    @AfterEach
    void release() {
        logger.removeAppender(captured);
        captured.stop();
    }

    @Test
    void aConflictingRedeliveryIsLoggedWithItsIdPlatformAndPosition() throws Exception {
        try (var harness = SessionHarness.open()) {
            CanonicalEvent first = interaction("s1", 5, InteractionState.HOLD);
            first.eventId = "nice:77:quality";
            first.platform = Platform.NICE;
            harness.processElement(new StreamRecord<>(first, first.ts));
            CanonicalEvent same = copyOf(first, "cx-topic/0/8");
            harness.processElement(new StreamRecord<>(same, same.ts));
            assertThat(captured.lines).isEmpty();

            CanonicalEvent other = copyOf(first, "cx-topic/1/9");
            other.queueId = "q-other";
            harness.processElement(new StreamRecord<>(other, other.ts));
        }
        assertThat(captured.lines)
                .singleElement()
                .satisfies(
                        line ->
                                assertThat(line)
                                        .startsWith("WARN ")
                                        .contains("nice:77:quality (nice) at cx-topic/1/9")
                                        .contains("differs from its first delivery"));
    }

    private static CanonicalEvent copyOf(CanonicalEvent event, String source) {
        CanonicalEvent copy = CanonicalEventSerializer.INSTANCE.copy(event);
        copy.source = source;
        return copy;
    }

    /** Collects the lines logged by the function. */
    private static final class Captured extends AbstractAppender {

        final List<String> lines = new CopyOnWriteArrayList<>();

        Captured() {
            super("redelivery-conflicts", null, null, true, Property.EMPTY_ARRAY);
        }

        @Override
        public void append(LogEvent event) {
            lines.add(event.getLevel() + " " + event.getMessage().getFormattedMessage());
        }
    }
}
