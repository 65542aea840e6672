package dev.cxq.job.cli;

import dev.cxq.job.PipelineSettings;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** What the options become. */
class JobAssemblyTest {

    private static JobAssembly assembly(String... args) {
        CxqMain main = new CxqMain(Map.of());
        new CommandLine(main).parseArgs(args);
        return new JobAssembly(main, Map.of(), Deployment.LOCAL, new ConfigSources.Origins());
    }

    /**
     * The options' defaults and the topology's ({@link PipelineSettings#defaults()}, used where the
     * topology runs without a command line: tests, benchmarks) are declared apart; they must agree.
     */
    @Test
    void theDefaultOptionsGiveTheTopologysDefaultSettings() {
        assertThat(assembly().settings())
                .usingRecursiveComparison()
                .isEqualTo(PipelineSettings.defaults());
    }

    @Test
    void optionsReachTheSettings() {
        PipelineSettings settings =
                assembly(
                                "--degraded-mos-below", "3.4",
                                "--alert-hysteresis", "20s",
                                "--dedup-retention", "24h")
                        .settings();
        assertThat(settings.qualityThresholds().mosBelow()).isEqualTo(3.4);
        assertThat(settings.qualityThresholds().fireAfter()).hasSeconds(20);
        assertThat(settings.dedupRetention()).hasHours(24);
        assertThat(settings.mediaSampleDedupRetention()).hasHours(24);
    }
}
