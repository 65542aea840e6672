package dev.cxq.udf.model;

import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.runtime.state.KeyedStateBackend;
import org.apache.flink.streaming.api.operators.InternalTimeServiceManager;
import org.apache.flink.streaming.api.operators.InternalTimerService;
import org.apache.flink.streaming.api.operators.Triggerable;
import org.apache.flink.util.Preconditions;

/**
 * Timer services whose keys are written like the keyed state's. Flink gives a timer service the key
 * serializer of the job graph ({@link IdKeySerializer#COMPACT}), while the state backend
 * reconfigures its own to the form of the restored keys ({@link IdKeySerializer#STRINGS} after a
 * savepoint of an earlier build); RocksDB then stores new timers in one form beside the restored
 * ones in the other, so a timer registered again fires twice and a restored one cannot be deleted.
 * Operators keyed with {@link IdKeyTypeInfo} override {@code getInternalTimerService} with this.
 */
public final class IdKeyTimers {

    private IdKeyTimers() {}

    /** The timer service {@code name}, its keys in the form of {@code backend}'s state. */
    @SuppressWarnings("unchecked")
    public static <K, N> InternalTimerService<N> timerService(
            InternalTimeServiceManager<?> manager,
            KeyedStateBackend<?> backend,
            String name,
            TypeSerializer<N> namespaceSerializer,
            Triggerable<K, N> triggerable) {
        Preconditions.checkState(manager != null && backend != null, "not a keyed operator");
        return ((InternalTimeServiceManager<K>) manager)
                .getInternalTimerService(
                        name,
                        (TypeSerializer<K>) backend.getKeySerializer(),
                        namespaceSerializer,
                        triggerable);
    }
}
