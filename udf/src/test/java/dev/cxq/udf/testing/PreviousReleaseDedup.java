package dev.cxq.udf.testing;

import dev.cxq.udf.dedup.EventIdentity;
import dev.cxq.udf.dedup.Redeliveries;
import dev.cxq.udf.model.CanonicalEvent;

import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.util.Collector;

import java.time.Duration;
import java.util.List;

/**
 * The state layouts of the dedup of releases before the per-session one, keyed by event id (the
 * operator {@code dedup-events}): what their savepoints hold.
 */
public final class PreviousReleaseDedup
        extends KeyedProcessFunction<String, CanonicalEvent, CanonicalEvent> {

    private static final Duration RETENTION = Duration.ofHours(48);

    /** Which release's layout. */
    public enum Layout {
        /** The release before content hashes: one flag per id. */
        FLAGS,
        /** The release before the per-session dedup: a content hash per id, late copies held. */
        CONTENT_HASHES
    }

    private final Layout layout;
    private transient ValueState<Boolean> seen;
    private transient ValueState<Long> firstContent;
    private transient ValueState<CanonicalEvent> lateCandidate;

    private PreviousReleaseDedup(Layout layout) {
        this.layout = layout;
    }

    /** The snapshot that release took after {@code events}. */
    public static OperatorSubtaskState stateAfter(Layout layout, List<CanonicalEvent> events)
            throws Exception {
        try (var previous =
                new KeyedOneInputStreamOperatorTestHarness<>(
                        new KeyedProcessOperator<>(new PreviousReleaseDedup(layout)),
                        EventIdentity::of,
                        Types.STRING)) {
            previous.setStateTtlProcessingTime(0);
            previous.open();
            for (CanonicalEvent e : events) {
                previous.processElement(new StreamRecord<>(e, e.ts));
            }
            return previous.snapshot(1, 1);
        }
    }

    @Override
    public void open(OpenContext openContext) {
        seen = remembered("seen-event-id", Types.BOOLEAN);
        firstContent = remembered("first-content-hash", Types.LONG);
        lateCandidate =
                getRuntimeContext()
                        .getState(
                                new ValueStateDescriptor<>(
                                        "late-candidate",
                                        TypeInformation.of(CanonicalEvent.class)));
    }

    private <T> ValueState<T> remembered(String name, TypeInformation<T> type) {
        ValueStateDescriptor<T> descriptor = new ValueStateDescriptor<>(name, type);
        descriptor.enableTimeToLive(Redeliveries.keptFromFirstDelivery(RETENTION));
        return getRuntimeContext().getState(descriptor);
    }

    @Override
    public void processElement(CanonicalEvent event, Context ctx, Collector<CanonicalEvent> out)
            throws Exception {
        if (layout == Layout.FLAGS) {
            seen.update(Boolean.TRUE);
        } else if (event.lateOnArrival) {
            lateCandidate.update(event);
            ctx.timerService().registerEventTimeTimer(event.ts);
        } else {
            firstContent.update(EventIdentity.contentHash(event));
        }
    }
}
