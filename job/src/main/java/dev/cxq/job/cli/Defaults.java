package dev.cxq.job.cli;

import dev.cxq.job.PipelineSettings;

import picocli.CommandLine;

import java.util.Map;

/**
 * The topology's settings when nothing is configured, for code that builds the topology without a
 * command line (tests, benchmarks). Each default is declared once, on its option ({@code @Option
 * defaultValue}, beside its {@link Config}); these settings are what an empty command line gives,
 * built the way a run builds them ({@link JobAssembly#settings()}).
 */
public final class Defaults {

    private Defaults() {}

    /** The settings of a run given no option, no environment variable and no config file. */
    public static PipelineSettings pipelineSettings() {
        CxqMain options = new CxqMain(Map.of());
        new CommandLine(options).parseArgs();
        return new JobAssembly(options, Map.of(), Deployment.LOCAL, new ConfigSources.Origins())
                .settings();
    }
}
