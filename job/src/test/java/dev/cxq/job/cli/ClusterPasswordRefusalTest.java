package dev.cxq.job.cli;

import org.apache.flink.client.program.StreamContextEnvironment;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.DefaultExecutorServiceLoader;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code --jdbc-password} is refused when the job is submitted to a cluster (the environment is the
 * client's context environment, as under {@code flink run} or in application mode): the web UI
 * shows program arguments there. Nothing is submitted, and the message does not quote the value.
 */
class ClusterPasswordRefusalTest {

    private static final String PASSWORD = "cluster-password-5d1e";

    @TempDir Path dir;

    @Test
    void aPasswordOnTheCommandLineIsRefusedOnACluster() throws Exception {
        Path input = Files.writeString(dir.resolve("e.jsonl"), "{}\n");
        StreamContextEnvironment.setAsContext(
                new DefaultExecutorServiceLoader(),
                new Configuration(),
                getClass().getClassLoader(),
                false,
                false);
        ConfigurationErrorsTest.Outcome outcome;
        try {
            outcome =
                    ConfigurationErrorsTest.run(
                            Map.of(),
                            "--input",
                            input.toString(),
                            "--jdbc-url",
                            "jdbc:postgresql://127.0.0.1:5432/cxq",
                            "--jdbc-password",
                            PASSWORD);
        } finally {
            StreamContextEnvironment.unsetAsContext();
        }
        assertThat(outcome.exitCode()).isEqualTo(CxqMain.EXIT_BAD_ARGUMENTS);
        assertThat(outcome.errors())
                .anyMatch(e -> e.startsWith("--jdbc-password is refused on a cluster"));
        assertThat(outcome.stdout() + outcome.errors()).doesNotContain(PASSWORD);
    }
}
