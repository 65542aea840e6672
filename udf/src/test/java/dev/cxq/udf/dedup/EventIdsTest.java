package dev.cxq.udf.dedup;

import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class EventIdsTest {

    @Test
    void findsEveryIdItHoldsWithItsContentAndNoOther() {
        SplittableRandom random = new SplittableRandom(7);
        TreeMap<Long, Integer> expected = new TreeMap<>();
        byte[] record = null;
        for (int i = 0; i < 300; i++) {
            long id = EventIds.idBits(random.nextLong());
            int content = EventIds.contentBits(random.nextLong());
            if (expected.putIfAbsent(id, content) == null) {
                record = EventIds.with(record, id, content);
            }
        }
        assertThat(EventIds.size(record)).isEqualTo(expected.size());
        assertThat(record).hasSize(expected.size() * EventIds.ENTRY_BYTES);
        byte[] finalRecord = record;
        expected.forEach(
                (id, content) -> assertThat(EventIds.content(finalRecord, id)).isEqualTo(content));
        for (int i = 0; i < 300; i++) {
            long other = EventIds.idBits(random.nextLong());
            if (!expected.containsKey(other)) {
                assertThat(EventIds.content(record, other)).isNull();
            }
        }
    }

    @Test
    void keepsFortyEightBitsOfTheIdentityHash() {
        long id = EventIds.idBits(-1L);
        assertThat(id).isEqualTo((1L << 48) - 1);
        byte[] record = EventIds.with(null, id, -7);
        assertThat(EventIds.content(record, id)).isEqualTo(-7);
        assertThat(EventIds.content(record, id - 1)).isNull();
        assertThat(EventIds.content(null, id)).isNull();
    }

    @Test
    void anIdListHoldsTheIdsOfBothWithoutContentInSixBytesEach() {
        SplittableRandom random = new SplittableRandom(9);
        TreeMap<Long, Integer> listed = new TreeMap<>();
        byte[] idList = null;
        for (int round = 0; round < 20; round++) {
            byte[] record = null;
            for (int i = random.nextInt(6); i > 0; i--) {
                long id = EventIds.idBits(random.nextLong());
                if (EventIds.content(record, id) == null) {
                    record = EventIds.with(record, id, random.nextInt());
                    listed.put(id, 0);
                }
            }
            idList = EventIds.idListWith(idList, record);
        }
        // An id in both (a first delivery remembered after a restore of the list) is listed once.
        long again = listed.firstKey();
        idList = EventIds.idListWith(idList, EventIds.with(null, again, 1));

        assertThat(EventIds.idListSize(idList)).isEqualTo(listed.size());
        assertThat(idList).hasSize(6 * listed.size());
        for (long id : listed.keySet()) {
            assertThat(EventIds.idListContains(idList, id)).isTrue();
        }
        for (int i = 0; i < 300; i++) {
            long other = EventIds.idBits(random.nextLong());
            assertThat(EventIds.idListContains(idList, other)).isEqualTo(listed.containsKey(other));
        }
        assertThat(EventIds.idListWith(null, null)).isNull();
    }

    @Test
    void refusesAnIdItAlreadyHolds() {
        byte[] record = EventIds.with(null, 42, 1);
        assertThatThrownBy(() -> EventIds.with(record, 42, 2))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
