package dev.cxq.bench;

import dev.cxq.udf.rows.QualityAlert;

import org.apache.flink.api.connector.sink2.Sink;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The discarding sinks fit a release's sinks interface, whichever of the two shapes it has. */
class ReleaseTopologyTest {

    private static final Sink<QualityAlert> PROBE = new CountingDiscardSink<>("probe");

    interface OneMethodPerTable {
        Sink<String> sessionQuality();

        Sink<QualityAlert> qualityAlerts();

        DeliveryLog webhookDeliveries();
    }

    interface DeliveryLog extends java.io.Serializable {
        void record(String message);
    }

    enum Table {
        SESSION_QUALITY,
        QUALITY_ALERTS
    }

    interface OneFactory {
        <T> Sink<T> sink(Table table);
    }

    @Test
    void aMethodPerTableGetsACountingSinkNamedAfterItAndAlertsGoToTheProbe() {
        OneMethodPerTable sinks =
                (OneMethodPerTable) ReleaseTopology.discardingSinks(OneMethodPerTable.class, PROBE);

        assertThat(sinks.sessionQuality()).isInstanceOf(CountingDiscardSink.class);
        assertThat(sinks.qualityAlerts()).isSameAs(PROBE);
        sinks.webhookDeliveries().record("ignored");
    }

    @Test
    void aFactoryByTableIsAnsweredByTheTablesName() {
        OneFactory sinks = (OneFactory) ReleaseTopology.discardingSinks(OneFactory.class, PROBE);

        assertThat(sinks.<String>sink(Table.SESSION_QUALITY))
                .isInstanceOf(CountingDiscardSink.class);
        assertThat(sinks.<QualityAlert>sink(Table.QUALITY_ALERTS)).isSameAs(PROBE);
    }

    @Test
    void methodNamesBecomeTableNames() {
        assertThat(ReleaseTopology.snakeCase("sessionQuality")).isEqualTo("session_quality");
        assertThat(ReleaseTopology.snakeCase("kpiWindows")).isEqualTo("kpi_windows");
    }
}
