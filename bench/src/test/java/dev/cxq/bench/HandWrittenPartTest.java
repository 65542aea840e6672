package dev.cxq.bench;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

class HandWrittenPartTest {

    @Test
    void aRunKeepsThePageFromTheMarkerOn(@TempDir Path dir) throws Exception {
        Path page = dir.resolve("benchmarks.md");
        Files.writeString(
                page, "# generated table\n\n" + AbReport.HAND_WRITTEN + "\n\n## Profile\n\ntext\n");

        assertThat(AbReport.handWritten(page))
                .isEqualTo("\n" + AbReport.HAND_WRITTEN + "\n\n## Profile\n\ntext\n");
    }

    @Test
    void withoutMarkerOrPageThereIsNothingToKeep(@TempDir Path dir) throws Exception {
        Path page = dir.resolve("benchmarks.md");
        assertThat(AbReport.handWritten(page)).isEmpty();
        Files.writeString(page, "# generated table\n");
        assertThat(AbReport.handWritten(page)).isEmpty();
    }
}
