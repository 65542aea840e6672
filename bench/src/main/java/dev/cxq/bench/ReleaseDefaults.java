package dev.cxq.bench;

import dev.cxq.job.PipelineSettings;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;

/**
 * The default value of a settings type of whichever job jar is on the classpath, the current build
 * or an earlier release: its own {@code defaults()} or {@code none()}, else (since issue 18, when
 * the defaults moved to the command line) a static factory of that type in {@code
 * dev.cxq.job.cli.Defaults}. Every run that takes the job's defaults goes through here, so that it
 * also runs on a release from before either place existed.
 */
final class ReleaseDefaults {

    private static final String CLI_DEFAULTS = "dev.cxq.job.cli.Defaults";

    private ReleaseDefaults() {}

    /** The job's default {@link PipelineSettings}. */
    static PipelineSettings pipelineSettings() {
        try {
            return of(PipelineSettings.class);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("no defaults of " + PipelineSettings.class, e);
        }
    }

    /** The defaults of {@code type}, e.g. {@code PipelineSettings}. */
    static <T> T of(Class<T> type) throws ReflectiveOperationException {
        for (String factory : new String[] {"defaults", "none"}) {
            try {
                Method method = type.getMethod(factory);
                if (type.isAssignableFrom(method.getReturnType())) {
                    return type.cast(method.invoke(null));
                }
            } catch (NoSuchMethodException e) {
                // try the next name
            }
        }
        try {
            for (Method method : Class.forName(CLI_DEFAULTS).getMethods()) {
                if (Modifier.isStatic(method.getModifiers())
                        && method.getParameterCount() == 0
                        && type.isAssignableFrom(method.getReturnType())) {
                    return type.cast(method.invoke(null));
                }
            }
        } catch (ClassNotFoundException e) {
            // a release before the cli package
        }
        throw new NoSuchMethodException(
                type.getName() + ".defaults() or .none(), or in " + CLI_DEFAULTS);
    }
}
