package dev.cxq.job.testing;

import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.test.junit5.MiniClusterExtension;

import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * One MiniCluster (one TaskManager, {@link #PARALLELISM} slots) for every test class of the JVM
 * that extends with this, started by the first and stopped when the test run ends: a cluster start
 * costs seconds, a topology test's job less. During each test, {@code
 * StreamExecutionEnvironment.getExecutionEnvironment} submits to it; outside tests it is not the
 * context environment, so a command-line test in the same JVM still runs its own local cluster.
 */
public final class SharedMiniCluster
        implements BeforeAllCallback, BeforeEachCallback, AfterEachCallback {

    public static final int PARALLELISM = 2;

    private static final ExtensionContext.Namespace NAMESPACE =
            ExtensionContext.Namespace.create(SharedMiniCluster.class);

    /** The started cluster, closed by JUnit with the root context (the end of the test run). */
    private record Started(MiniClusterExtension cluster, ExtensionContext root)
            implements ExtensionContext.Store.CloseableResource {

        @Override
        public void close() throws Exception {
            cluster.afterAll(root);
        }
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        started(context);
    }

    @Override
    public void beforeEach(ExtensionContext context) throws Exception {
        started(context).cluster().beforeEach(context);
    }

    @Override
    public void afterEach(ExtensionContext context) throws Exception {
        started(context).cluster().afterEach(context);
    }

    private static Started started(ExtensionContext context) {
        ExtensionContext root = context.getRoot();
        return root.getStore(NAMESPACE)
                .getOrComputeIfAbsent(
                        Started.class,
                        key -> {
                            MiniClusterExtension cluster =
                                    new MiniClusterExtension(
                                            new MiniClusterResourceConfiguration.Builder()
                                                    .setNumberTaskManagers(1)
                                                    .setNumberSlotsPerTaskManager(PARALLELISM)
                                                    .build());
                            try {
                                cluster.beforeAll(root);
                            } catch (Exception e) {
                                throw new IllegalStateException("MiniCluster did not start", e);
                            }
                            return new Started(cluster, root);
                        },
                        Started.class);
    }
}
