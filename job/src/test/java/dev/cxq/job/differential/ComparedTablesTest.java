package dev.cxq.job.differential;

import dev.cxq.job.sink.CxqTables;
import dev.cxq.job.sink.Table;

import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.Set;
import java.util.TreeSet;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every output table is either compared by the differential harness and the determinism checks
 * ({@link TableDump#KEYS}) or left out with a stated reason ({@link TableDump#NOT_COMPARED}), so a
 * new table cannot be left out by accident.
 */
class ComparedTablesTest {

    @Test
    void everyOutputTableIsComparedOrExcludedWithAReason() {
        Set<String> outputs = new TreeSet<>();
        CxqTables.ALL.stream().map(Table::name).forEach(outputs::add);
        Set<String> accounted = new HashSet<>(TableDump.KEYS.keySet());
        accounted.addAll(TableDump.NOT_COMPARED.keySet());

        assertThat(accounted).containsAll(outputs);
        assertThat(TableDump.KEYS.keySet())
                .doesNotContainAnyElementsOf(TableDump.NOT_COMPARED.keySet());
        assertThat(TableDump.NOT_COMPARED).containsOnlyKeys("pipeline_status");
        assertThat(TableDump.NOT_COMPARED.values())
                .allSatisfy(reason -> assertThat(reason).isNotBlank());
    }
}
