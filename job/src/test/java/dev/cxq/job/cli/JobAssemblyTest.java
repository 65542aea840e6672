package dev.cxq.job.cli;

import dev.cxq.job.PipelineSettings;
import dev.cxq.udf.interaction.InteractionSettings;
import dev.cxq.udf.testing.ContractRules;

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
     * With no option the topology runs by the contract's rules (docs/design.md), those the udf
     * tests run the functions with: the defaults declared on the options, which {@link Defaults}
     * hands to tests and benchmarks.
     */
    @Test
    void noOptionGivesTheContractsRules() {
        PipelineSettings settings = Defaults.pipelineSettings();
        assertThat(settings.qualityThresholds()).isEqualTo(ContractRules.THRESHOLDS);
        assertThat(settings.maxOutOfOrderness()).isEqualTo(ContractRules.MAX_OUT_OF_ORDERNESS);
        assertThat(settings.sessionInactivityTimeout()).hasMinutes(30);
        assertThat(settings.dedupRetention()).hasHours(48);
        assertThat(settings.mediaSampleDedupRetention()).hasHours(48);
        assertThat(settings.sourceIdleness()).hasSeconds(30);
        assertThat(settings.quietSamplesHeld()).isEqualTo(100_000);
        assertThat(settings.eventTimeLimits())
                .usingRecursiveComparison()
                .isEqualTo(ContractRules.EVENT_TIME_LIMITS);
        assertThat(settings.interaction()).isEqualTo(InteractionSettings.defaults());
    }

    @Test
    void optionsReachTheSettings() {
        PipelineSettings settings =
                assembly(
                                "--degraded-mos-below", "3.4",
                                "--alert-hysteresis", "20s",
                                "--dedup-retention", "24h",
                                "--quiet-samples-held", "0")
                        .settings();
        assertThat(settings.qualityThresholds().mosBelow()).isEqualTo(3.4);
        assertThat(settings.qualityThresholds().fireAfter()).hasSeconds(20);
        assertThat(settings.dedupRetention()).hasHours(24);
        assertThat(settings.mediaSampleDedupRetention()).hasHours(24);
        assertThat(settings.quietSamplesHeld()).isZero();
    }
}
