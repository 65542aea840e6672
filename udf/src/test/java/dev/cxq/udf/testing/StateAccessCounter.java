package dev.cxq.udf.testing;

import org.apache.flink.api.common.functions.AbstractRichFunction;
import org.apache.flink.api.common.functions.RuntimeContext;
import org.apache.flink.api.common.state.KeyedStateStore;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.streaming.util.AbstractStreamOperatorTestHarness;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.Set;

/**
 * Counts the keyed-state reads and writes a function or operator makes, whatever the backend: it
 * stands in for the function's runtime context (or the operator's keyed state store) and hands out
 * state handles that count each call before passing it on. On RocksDB each counted read is a {@code
 * get} and each write a {@code put}, {@code merge} or {@code delete}, the accesses {@code
 * docs/benchmarks.md} prices.
 */
public final class StateAccessCounter {

    private static final Set<String> READS =
            Set.of("value", "get", "contains", "entries", "keys", "values", "iterator", "isEmpty");
    private static final Set<String> WRITES =
            Set.of("update", "add", "addAll", "clear", "put", "putAll", "remove");

    private long reads;
    private long writes;

    private StateAccessCounter() {}

    /**
     * Counts the state accesses of {@code function}, the function of {@code harness}; call before
     * the harness is opened (it is set up here), so the function's {@code open} declares its state
     * through the counter.
     */
    public static StateAccessCounter install(
            AbstractStreamOperatorTestHarness<?> harness, AbstractRichFunction function)
            throws Exception {
        harness.setup();
        StateAccessCounter counter = new StateAccessCounter();
        function.setRuntimeContext(
                counter.countingHandles(RuntimeContext.class, function.getRuntimeContext()));
        return counter;
    }

    /** A counter for an operator that declares its state through {@link #counting}. */
    public static StateAccessCounter forOperator() {
        return new StateAccessCounter();
    }

    /**
     * {@code store}, handing out counting state handles: an operator under test returns this from
     * its {@code getKeyedStateStore()}.
     */
    public KeyedStateStore counting(KeyedStateStore store) {
        return countingHandles(KeyedStateStore.class, store);
    }

    /**
     * {@code declaring}, whose {@code getState}, {@code getListState}, {@code getMapState} count.
     */
    @SuppressWarnings("unchecked")
    private <T> T countingHandles(Class<T> type, T declaring) {
        return (T)
                Proxy.newProxyInstance(
                        StateAccessCounter.class.getClassLoader(),
                        new Class<?>[] {type},
                        (proxy, method, args) -> {
                            Object result = invoke(method, declaring, args);
                            return switch (method.getName()) {
                                case "getState" -> counting(ValueState.class, result);
                                case "getListState" -> counting(ListState.class, result);
                                case "getMapState" -> counting(MapState.class, result);
                                default -> result;
                            };
                        });
    }

    public long reads() {
        return reads;
    }

    public long writes() {
        return writes;
    }

    private Object counting(Class<?> type, Object state) {
        InvocationHandler handler =
                (proxy, method, args) -> {
                    if (READS.contains(method.getName())) {
                        reads++;
                    } else if (WRITES.contains(method.getName())) {
                        writes++;
                    }
                    return invoke(method, state, args);
                };
        return Proxy.newProxyInstance(
                StateAccessCounter.class.getClassLoader(), new Class<?>[] {type}, handler);
    }

    private static Object invoke(java.lang.reflect.Method method, Object target, Object[] args)
            throws Throwable {
        try {
            return method.invoke(target, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }
}
