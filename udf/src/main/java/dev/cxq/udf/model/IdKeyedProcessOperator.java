package dev.cxq.udf.model;

import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.streaming.api.operators.InternalTimerService;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.api.operators.Triggerable;

/**
 * Flink's operator of a {@link KeyedProcessFunction} keyed with {@link IdKeyTypeInfo}: its timers'
 * keys are in the form of its restored state ({@link IdKeyTimers}).
 */
public final class IdKeyedProcessOperator<I, O> extends KeyedProcessOperator<String, I, O> {

    private static final long serialVersionUID = 1L;

    public IdKeyedProcessOperator(KeyedProcessFunction<String, I, O> function) {
        super(function);
    }

    @Override
    public <K, N> InternalTimerService<N> getInternalTimerService(
            String name, TypeSerializer<N> namespaceSerializer, Triggerable<K, N> triggerable) {
        return IdKeyTimers.timerService(
                timeServiceManager, getKeyedStateBackend(), name, namespaceSerializer, triggerable);
    }
}
