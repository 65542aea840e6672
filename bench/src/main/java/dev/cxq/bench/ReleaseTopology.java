package dev.cxq.bench;

import dev.cxq.udf.model.RawRecord;
import dev.cxq.udf.rows.QualityAlert;

import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

import java.io.Serializable;
import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Locale;
import java.util.function.Function;

/**
 * Builds {@code dev.cxq.job.CxqPipeline} of whichever job jar is on the classpath, the current
 * build or an earlier release, with its default settings, no webhooks and discarding sinks.
 *
 * <p>It goes through reflection because the A/B comparison runs this same code against jars of
 * different releases, whose sink interface and settings classes need not match the ones this module
 * compiles against: the sinks are a proxy of whatever sinks interface the constructor takes (one
 * method per table, or a factory taking a table), and every other parameter is its type's defaults
 * ({@link ReleaseDefaults}).
 */
final class ReleaseTopology {

    static final String PIPELINE = "dev.cxq.job.CxqPipeline";

    private static final String QUALITY_ALERTS = "quality_alerts";
    private static final Duration DEFAULT_BOUND = Duration.ofSeconds(10);

    private ReleaseTopology() {}

    /**
     * Adds the topology to {@code env}; {@code qualityAlerts} makes the {@code quality_alerts} sink
     * from the pipeline's watermark bound, which this returns.
     */
    static Duration build(
            StreamExecutionEnvironment env,
            Source<RawRecord, ?, ?> source,
            Function<Duration, Sink<QualityAlert>> qualityAlerts)
            throws ReflectiveOperationException {
        Class<?> pipelineClass = Class.forName(PIPELINE);
        Constructor<?> constructor =
                Arrays.stream(pipelineClass.getConstructors())
                        .max(Comparator.comparingInt(Constructor::getParameterCount))
                        .orElseThrow(() -> new NoSuchMethodException(PIPELINE + " constructor"));
        Class<?>[] types = constructor.getParameterTypes();
        Object[] args = new Object[types.length];
        Duration bound = DEFAULT_BOUND;
        for (int i = 0; i < types.length; i++) {
            if (!Source.class.isAssignableFrom(types[i]) && !isSinks(types[i])) {
                args[i] = ReleaseDefaults.of(types[i]);
                bound = watermarkBound(args[i], bound);
            }
        }
        for (int i = 0; i < types.length; i++) {
            if (Source.class.isAssignableFrom(types[i])) {
                args[i] = source;
            } else if (isSinks(types[i])) {
                args[i] = discardingSinks(types[i], qualityAlerts.apply(bound));
            }
        }
        Object pipeline = constructor.newInstance(args);
        pipelineClass.getMethod("build", StreamExecutionEnvironment.class).invoke(pipeline, env);
        return bound;
    }

    private static boolean isSinks(Class<?> type) {
        return type.isInterface() && type.getSimpleName().endsWith("Sinks");
    }

    private static Duration watermarkBound(Object settings, Duration otherwise) {
        try {
            Object bound = settings.getClass().getMethod("maxOutOfOrderness").invoke(settings);
            return bound instanceof Duration duration ? duration : otherwise;
        } catch (ReflectiveOperationException e) {
            return otherwise;
        }
    }

    /**
     * Every table's rows counted and dropped ({@link CountingDiscardSink}), {@code quality_alerts}
     * to {@code qualityAlerts}; anything else the interface asks for (the webhook delivery log) is
     * a no-op, as the benchmark configures no webhook endpoint.
     */
    static Object discardingSinks(Class<?> sinksInterface, Sink<QualityAlert> qualityAlerts) {
        InvocationHandler handler =
                (proxy, method, args) -> {
                    if (method.getDeclaringClass() == Object.class) {
                        return objectMethod(proxy, method, args);
                    }
                    if (method.getReturnType() == Sink.class) {
                        String table =
                                args == null || args.length == 0
                                        ? snakeCase(method.getName())
                                        : tableName(args[0]);
                        return QUALITY_ALERTS.equals(table)
                                ? qualityAlerts
                                : new CountingDiscardSink<>(table);
                    }
                    if (method.getReturnType().isInterface()) {
                        return noOp(method.getReturnType());
                    }
                    throw new UnsupportedOperationException(method.toString());
                };
        return Proxy.newProxyInstance(
                sinksInterface.getClassLoader(), new Class<?>[] {sinksInterface}, handler);
    }

    /**
     * An implementation of {@code type} whose methods do nothing; serializable, as sinks hold it.
     */
    private static Object noOp(Class<?> type) {
        return Proxy.newProxyInstance(
                type.getClassLoader(), new Class<?>[] {type}, new NoOp(type.getName()));
    }

    private static final class NoOp implements InvocationHandler, Serializable {
        private static final long serialVersionUID = 1L;
        private final String type;

        NoOp(String type) {
            this.type = type;
        }

        @Override
        public Object invoke(Object proxy, Method method, Object[] args) {
            if (method.getDeclaringClass() == Object.class) {
                return objectMethod(proxy, method, args);
            }
            if (method.getReturnType() == void.class) {
                return null;
            }
            throw new UnsupportedOperationException("no-op " + type + ": " + method);
        }
    }

    private static Object objectMethod(Object proxy, Method method, Object[] args) {
        return switch (method.getName()) {
            case "equals" -> proxy == args[0];
            case "hashCode" -> System.identityHashCode(proxy);
            default -> "discarding " + proxy.getClass().getInterfaces()[0].getSimpleName();
        };
    }

    /** A table object's {@code name()}, else its string form, in lower case. */
    private static String tableName(Object table) {
        Object name;
        try {
            name = table.getClass().getMethod("name").invoke(table);
        } catch (ReflectiveOperationException e) {
            name = table;
        }
        return String.valueOf(name).toLowerCase(Locale.ROOT);
    }

    /** {@code sessionQuality} → {@code session_quality}. */
    static String snakeCase(String camel) {
        return camel.replaceAll("([a-z0-9])([A-Z])", "$1_$2").toLowerCase(Locale.ROOT);
    }
}
