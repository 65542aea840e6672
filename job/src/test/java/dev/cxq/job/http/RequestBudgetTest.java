package dev.cxq.job.http;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RequestBudgetTest {

    @Test
    void readersSharingABudgetNeverExceedItInAnyWindow() throws Exception {
        Duration window = Duration.ofMillis(200);
        int limit = 10;
        int readers = 3;
        List<Long> calls = Collections.synchronizedList(new ArrayList<>());
        List<Thread> threads = new ArrayList<>();
        for (int r = 0; r < readers; r++) {
            RequestBudget budget = new RequestBudget(limit, window, readers);
            Thread thread =
                    new Thread(
                            () -> {
                                try {
                                    for (int i = 0; i < 12; i++) {
                                        budget.acquire();
                                        calls.add(System.nanoTime());
                                    }
                                } catch (InterruptedException e) {
                                    Thread.currentThread().interrupt();
                                }
                            });
            threads.add(thread);
            thread.start();
        }
        for (Thread thread : threads) {
            thread.join();
        }
        List<Long> sorted = new ArrayList<>(calls);
        Collections.sort(sorted);
        int busiest = 0;
        for (int i = 0; i < sorted.size(); i++) {
            int j = i;
            while (j < sorted.size() && sorted.get(j) - sorted.get(i) < window.toNanos()) {
                j++;
            }
            busiest = Math.max(busiest, j - i);
        }
        assertThat(sorted).hasSize(36);
        assertThat(busiest).as("most calls in one window").isLessThanOrEqualTo(limit);
        // Each reader spaces its 3 calls a window so that 2 always fit: 6 of the 10 are used.
        assertThat(busiest)
                .as("the budget is used, not starved")
                .isGreaterThanOrEqualTo((limit / readers - 1) * readers);
    }

    @Test
    void aBudgetTooSmallForTheReadersIsRefused() {
        assertThatThrownBy(() -> new RequestBudget(3, Duration.ofSeconds(1), 2))
                .hasMessageContaining("fewer than 2 requests per window to each of 2 readers");
    }
}
