package dev.cxq.udf.model;

import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.runtime.checkpoint.SavepointType;
import org.apache.flink.runtime.state.StateBackend;
import org.apache.flink.runtime.state.hashmap.HashMapStateBackend;
import org.apache.flink.state.rocksdb.EmbeddedRocksDBStateBackend;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.util.Collector;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Keyed state and timers written under {@code StringSerializer}'s keys (every earlier build) or
 * under {@link IdKeySerializer}'s are read back by a job keyed with {@link IdKeyTypeInfo}, which
 * keeps the restored form for the state's lifetime, in its timers too, on both backends, through
 * checkpoints and savepoints.
 */
class IdKeyRestoreTest {

    private static final String UUID_ID = "3f2a9c4e-0b1d-4e6f-8a7b-9c0d1e2f3a4b";
    private static final String OTHER_UUID = "0d9e8f7a-6b5c-4d3e-8f1a-2b3c4d5e6f70";

    /**
     * Each backend, RocksDB with its timers in RocksDB and on the heap (as the deployments run it),
     * with checkpoints and with canonical savepoints.
     */
    static Stream<Arguments> backends() {
        EmbeddedRocksDBStateBackend heapTimers = new EmbeddedRocksDBStateBackend();
        heapTimers.setPriorityQueueStateType(
                EmbeddedRocksDBStateBackend.PriorityQueueStateType.HEAP);
        List<StateBackend> backends =
                List.of(new HashMapStateBackend(), new EmbeddedRocksDBStateBackend(), heapTimers);
        return backends.stream()
                .flatMap(
                        backend ->
                                Stream.of(
                                        Arguments.of(backend, false), Arguments.of(backend, true)));
    }

    @ParameterizedTest
    @MethodSource("backends")
    void stateUnderStringKeysIsReadAndKeptInThatForm(StateBackend backend, boolean savepoints)
            throws Exception {
        OperatorSubtaskState earlier;
        try (var harness = harness(backend, Types.STRING)) {
            harness.open();
            send(harness, UUID_ID, "s1", UUID_ID);
            earlier = snapshot(harness, 1, savepoints);
        }
        OperatorSubtaskState restored;
        try (var harness = harness(backend, IdKeyTypeInfo.INSTANCE)) {
            harness.initializeState(earlier);
            harness.open();
            assertThat(harness.getOperator().getKeyedStateBackend().getKeySerializer())
                    .isEqualTo(IdKeySerializer.STRINGS);
            send(harness, UUID_ID, OTHER_UUID);
            restored = snapshot(harness, 2, savepoints);
        }
        try (var harness = harness(backend, IdKeyTypeInfo.INSTANCE)) {
            harness.initializeState(restored);
            harness.open();
            assertThat(harness.getOperator().getKeyedStateBackend().getKeySerializer())
                    .isEqualTo(IdKeySerializer.STRINGS);
            send(harness, OTHER_UUID);
            harness.processWatermark(new Watermark(Long.MAX_VALUE));
            assertThat(harness.extractOutputValues())
                    .containsExactlyInAnyOrder(UUID_ID + "=3", "s1=1", OTHER_UUID + "=2");
        }
    }

    @ParameterizedTest
    @MethodSource("backends")
    void aJobStartedWithoutStateKeepsUuidKeysCompactAcrossRestores(
            StateBackend backend, boolean savepoints) throws Exception {
        OperatorSubtaskState first;
        try (var harness = harness(backend, IdKeyTypeInfo.INSTANCE)) {
            harness.open();
            assertThat(harness.getOperator().getKeyedStateBackend().getKeySerializer())
                    .isEqualTo(IdKeySerializer.COMPACT);
            send(harness, UUID_ID, "s1", UUID_ID);
            first = snapshot(harness, 1, savepoints);
        }
        try (var harness = harness(backend, IdKeyTypeInfo.INSTANCE)) {
            harness.initializeState(first);
            harness.open();
            assertThat(harness.getOperator().getKeyedStateBackend().getKeySerializer())
                    .isEqualTo(IdKeySerializer.COMPACT);
            send(harness, UUID_ID, OTHER_UUID);
            harness.processWatermark(new Watermark(Long.MAX_VALUE));
            assertThat(harness.extractOutputValues())
                    .containsExactlyInAnyOrder(UUID_ID + "=3", "s1=1", OTHER_UUID + "=1");
        }
    }

    private static OperatorSubtaskState snapshot(
            KeyedOneInputStreamOperatorTestHarness<String, String, String> harness,
            long id,
            boolean savepoint)
            throws Exception {
        return savepoint
                ? harness.snapshotWithLocalState(
                                id, id, SavepointType.savepoint(SavepointFormatType.CANONICAL))
                        .getJobManagerOwnedState()
                : harness.snapshot(id, id);
    }

    private static void send(
            KeyedOneInputStreamOperatorTestHarness<String, String, String> harness, String... keys)
            throws Exception {
        for (String key : keys) {
            harness.processElement(new StreamRecord<>(key, 1_000L));
        }
    }

    private static KeyedOneInputStreamOperatorTestHarness<String, String, String> harness(
            StateBackend backend, TypeInformation<String> keyType) throws Exception {
        var harness =
                new KeyedOneInputStreamOperatorTestHarness<>(
                        new IdKeyedProcessOperator<>(new CountUntilTheEnd()), key -> key, keyType);
        harness.setStateBackend(backend);
        return harness;
    }

    /** Counts each key's elements in keyed state and emits {@code key=count} at its timer. */
    private static final class CountUntilTheEnd
            extends KeyedProcessFunction<String, String, String> {

        private transient ValueState<Integer> count;

        @Override
        public void open(OpenContext context) {
            count = getRuntimeContext().getState(new ValueStateDescriptor<>("count", Types.INT));
        }

        @Override
        public void processElement(String key, Context ctx, Collector<String> out)
                throws Exception {
            Integer seen = count.value();
            count.update(seen == null ? 1 : seen + 1);
            ctx.timerService().registerEventTimeTimer(Long.MAX_VALUE - 1);
        }

        @Override
        public void onTimer(long timestamp, OnTimerContext ctx, Collector<String> out)
                throws Exception {
            out.collect(ctx.getCurrentKey() + "=" + count.value());
        }
    }
}
