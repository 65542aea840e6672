package dev.cxq.job.delivery;

import dev.cxq.job.delivery.DeliveryLoop.Verdict;
import dev.cxq.job.http.Backoff;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

import static org.assertj.core.api.Assertions.assertThat;

class DeliveryLoopTest {

    /** Never waits: the breaker's and the backoff's waits pass at once. */
    private static final DeliveryLoop.Pause NO_WAIT =
            new DeliveryLoop.Pause() {
                @Override
                public void sleep(long millis) {}

                @Override
                public boolean stopWhenDown() {
                    return false;
                }
            };

    private static DeliveryLoop<Integer> loop() {
        return new DeliveryLoop<>(
                2, Duration.ZERO, new Backoff(Duration.ZERO, Duration.ZERO), NO_WAIT);
    }

    /** Units by their time, oldest first; settled ones leave it. */
    private final TreeSet<Integer> queued = new TreeSet<>();

    private List<Integer> batchOf(int size) {
        return queued.stream().limit(size).toList();
    }

    @Test
    void aUnitQueuedDuringAnOutageGoesBeforeTheRestOfTheBatchItIsOlderThan() throws Exception {
        queued.addAll(List.of(10, 20, 30, 40));
        List<Integer> delivered = new ArrayList<>();
        int[] calls = {0};

        DeliveryLoop.End end =
                loop().drain(
                                () -> batchOf(3),
                                (unit, attempt) -> {
                                    calls[0]++;
                                    if (unit == 10 && attempt < 4) {
                                        // The endpoint is down; meanwhile the job queues an older
                                        // transition than 20 and 30, which the batch already holds.
                                        queued.add(15);
                                        return Verdict.retry(false, null);
                                    }
                                    delivered.add(unit);
                                    queued.remove(unit);
                                    return Verdict.settled();
                                });

        assertThat(end).isEqualTo(DeliveryLoop.End.DRAINED);
        assertThat(delivered).containsExactly(10, 15, 20, 30, 40);
        assertThat(calls[0]).isEqualTo(3 + 5);
    }

    @Test
    void unitsSettledAtTheirFirstCallAreSentBatchByBatch() throws Exception {
        queued.addAll(List.of(1, 2, 3, 4, 5));
        List<Integer> delivered = new ArrayList<>();
        int[] batches = {0};

        loop().drain(
                        () -> {
                            batches[0]++;
                            return batchOf(2);
                        },
                        (unit, attempt) -> {
                            delivered.add(unit);
                            queued.remove(unit);
                            return Verdict.settled();
                        });

        assertThat(delivered).containsExactly(1, 2, 3, 4, 5);
        // Three batches and the empty read that ends the drain.
        assertThat(batches[0]).isEqualTo(4);
    }
}
