package dev.cxq.bench;

import org.apache.flink.configuration.Configuration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

import java.util.HashMap;
import java.util.Map;

/**
 * The local cluster every benchmark job runs on: STREAMING, parallelism 1, the given state backend,
 * heap timers as the job's streaming runs configure them ({@code CheckpointCliOptions}), then the
 * {@code overrides} (from {@code --flink-conf}, to try a tuning).
 */
record LocalFlink(Map<String, String> overrides) {

    LocalFlink {
        overrides = Map.copyOf(overrides);
    }

    StreamExecutionEnvironment environment(String backend) {
        return StreamExecutionEnvironment.createLocalEnvironment(configuration(backend, Map.of()));
    }

    Configuration configuration(String backend, Map<String, String> extra) {
        Map<String, String> conf = new HashMap<>();
        conf.put("execution.runtime-mode", "STREAMING");
        conf.put("parallelism.default", "1");
        conf.put("state.backend.type", backend);
        conf.put("state.backend.rocksdb.localdir", "/tmp/cxq-bench-rocksdb");
        conf.put("state.backend.rocksdb.timer-service.factory", "HEAP");
        conf.put("state.backend.forst.local-dir", "/tmp/cxq-bench-forst");
        conf.put("state.backend.forst.timer-service.factory", "HEAP");
        conf.putAll(overrides);
        conf.putAll(extra);
        return Configuration.fromMap(conf);
    }
}
