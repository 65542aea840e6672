package dev.cxq.job.cli;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Where else than the command line an option's value may come from, and its rule: written on the
 * option's field beside its picocli {@code @Option} (flag, type, default, meaning), so that every
 * option is declared in one place. {@link ConfigKeys} reads both; {@link ConfigSources}, {@link
 * ConfigValidator} and {@link ConfigReference} read {@link ConfigKeys}.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.FIELD)
@interface Config {

    /** {@link #env()} value of an option without an environment variable. */
    String NO_ENV = "-";

    /** The key in the config file (nested YAML or dotted); empty for a command-line-only option. */
    String key() default "";

    /**
     * The environment variable; empty for the one derived from the key ({@link ConfigKeys#env}), or
     * {@link #NO_ENV}.
     */
    String env() default "";

    /** The validation rule, as documented. */
    String rule();

    /** The default as documented, when it is not the option's declared default. */
    String shownDefault() default "";
}
