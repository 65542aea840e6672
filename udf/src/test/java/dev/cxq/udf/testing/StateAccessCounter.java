package dev.cxq.udf.testing;

import org.apache.flink.api.common.functions.AbstractRichFunction;
import org.apache.flink.api.common.functions.RuntimeContext;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.streaming.util.AbstractStreamOperatorTestHarness;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.Set;

/**
 * Counts the keyed-state reads and writes a function makes, whatever the backend: it stands in for
 * the function's runtime context and hands out state handles that count each call before passing it
 * on. On RocksDB each counted read is a {@code get} and each write a {@code put}, {@code merge} or
 * {@code delete}, the accesses {@code docs/benchmarks.md} prices.
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
        RuntimeContext context = function.getRuntimeContext();
        function.setRuntimeContext(
                (RuntimeContext)
                        Proxy.newProxyInstance(
                                StateAccessCounter.class.getClassLoader(),
                                new Class<?>[] {RuntimeContext.class},
                                (proxy, method, args) -> {
                                    Object result = invoke(method, context, args);
                                    return switch (method.getName()) {
                                        case "getState" ->
                                                counter.counting(ValueState.class, result);
                                        case "getListState" ->
                                                counter.counting(ListState.class, result);
                                        case "getMapState" ->
                                                counter.counting(MapState.class, result);
                                        default -> result;
                                    };
                                }));
        return counter;
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
