package dev.cxq.job;

import dev.cxq.job.cli.Defaults;
import dev.cxq.job.sink.JsonLinesSinks;
import dev.cxq.job.sink.webhook.WebhookSettings;
import dev.cxq.job.source.ReplaySource;

import org.apache.flink.api.common.RuntimeExecutionMode;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.CoreOptions;
import org.apache.flink.configuration.ExecutionOptions;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.graph.StreamEdge;
import org.apache.flink.streaming.api.graph.StreamGraph;
import org.apache.flink.streaming.api.graph.StreamNode;
import org.apache.flink.streaming.runtime.partitioner.KeyGroupStreamPartitioner;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** How rows reach the sinks whose writes are upserts. */
class SinkRoutingTest {

    @TempDir Path dir;

    private StreamGraph batchGraph() throws Exception {
        Path input = Files.writeString(dir.resolve("empty.jsonl"), "");
        Configuration conf = new Configuration();
        conf.set(ExecutionOptions.RUNTIME_MODE, RuntimeExecutionMode.BATCH);
        conf.set(CoreOptions.DEFAULT_PARALLELISM, 2);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        new CxqPipeline(
                        ReplaySource.of(input),
                        new JsonLinesSinks(dir.resolve("out"), 1),
                        Defaults.pipelineSettings(),
                        WebhookSettings.none())
                .build(env);
        return env.getStreamGraph();
    }

    private static List<StreamEdge> inputsOf(StreamGraph graph, String operatorName) {
        StreamNode node =
                graph.getStreamNodes().stream()
                        .filter(n -> n.getOperatorName().equals(operatorName))
                        .findFirst()
                        .orElseThrow(() -> new AssertionError("no operator " + operatorName));
        return node.getInEdges();
    }

    @Test
    void computedMetricsRowsReachTheirWriterPartitionedByTheirKey() throws Exception {
        List<StreamEdge> edges = inputsOf(batchGraph(), "computed_metrics: Writer");
        assertThat(edges)
                .isNotEmpty()
                .allSatisfy(
                        edge ->
                                assertThat(edge.getPartitioner())
                                        .as("%s", edge)
                                        .isInstanceOf(KeyGroupStreamPartitioner.class));
    }
}
