package dev.cxq.udf.session;

import dev.cxq.udf.model.CanonicalEvent;

import org.apache.flink.api.common.state.KeyedStateStore;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.state.KeyedStateBackend;
import org.apache.flink.runtime.state.VoidNamespace;
import org.apache.flink.util.function.ThrowingConsumer;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The state layout of releases before issue 17 (per session: statistics, end marker, deadline,
 * reorder buffer, four states), moved into the one value ({@code session}) once, after a restore.
 * Their timers were in the same timer service: they fire and find nothing due, or what is.
 */
final class PreviousLayouts {

    private static final List<String> STATES =
            List.of("stats", "ended-at", "deadline", "buffered-events");

    private PreviousLayouts() {}

    /**
     * Reads the four states of every key that has any, clears them, and hands the key's {@link
     * SessionState} to {@code adopt} with the key current.
     */
    static void adopt(
            KeyedStateStore store,
            KeyedStateBackend<String> backend,
            ThrowingConsumer<SessionState, Exception> adopt)
            throws Exception {
        // The class name the savepoints of those releases give the statistics.
        ValueState<SessionQualityFunction$SessionStats> stats =
                store.getState(
                        new ValueStateDescriptor<>(
                                "stats", SessionQualityFunction$SessionStats.class));
        ValueState<Long> endedAt =
                store.getState(new ValueStateDescriptor<>("ended-at", Types.LONG));
        ValueState<Long> deadline =
                store.getState(new ValueStateDescriptor<>("deadline", Types.LONG));
        ListState<CanonicalEvent> buffered =
                store.getListState(
                        new ListStateDescriptor<>(
                                "buffered-events", TypeInformation.of(CanonicalEvent.class)));
        Set<String> keys = new HashSet<>();
        for (String name : STATES) {
            try (Stream<String> stored = backend.getKeys(name, VoidNamespace.INSTANCE)) {
                stored.forEach(keys::add);
            }
        }
        for (String key : keys) {
            backend.setCurrentKey(key);
            SessionState state = new SessionState();
            state.stats = stats.value();
            state.endedAt = endedAt.value();
            state.deadline = deadline.value();
            Iterable<CanonicalEvent> events = buffered.get();
            if (events != null) {
                events.forEach(state.buffered::add);
            }
            adopt.accept(state);
            stats.clear();
            endedAt.clear();
            deadline.clear();
            buffered.clear();
        }
    }
}
