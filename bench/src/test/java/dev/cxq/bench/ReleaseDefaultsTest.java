package dev.cxq.bench;

import dev.cxq.job.cli.Defaults;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The defaults are found where a release keeps them: on the type, or in the command line's. */
class ReleaseDefaultsTest {

    /** A settings type as releases before issue 18 had them, with its own defaults. */
    record OwnDefaults(int value) {
        public static OwnDefaults defaults() {
            return new OwnDefaults(7);
        }
    }

    /** A type that has no defaults anywhere. */
    record NoDefaults(int value) {}

    @Test
    void aTypesOwnDefaultsComeFirst() throws ReflectiveOperationException {
        assertThat(ReleaseDefaults.of(OwnDefaults.class)).isEqualTo(new OwnDefaults(7));
    }

    @Test
    void thisBuildsPipelineSettingsComeFromTheCommandLinesDefaults() {
        // EventTimeLimits has no equals: compared field by field.
        assertThat(ReleaseDefaults.pipelineSettings())
                .usingRecursiveComparison()
                .isEqualTo(Defaults.pipelineSettings());
    }

    @Test
    void aTypeWithoutDefaultsIsReported() {
        assertThatThrownBy(() -> ReleaseDefaults.of(NoDefaults.class))
                .isInstanceOf(NoSuchMethodException.class)
                .hasMessageContaining(NoDefaults.class.getName());
    }
}
