package dev.cxq.job.demo;

import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

/** The incident script: one act per scripted slot, each within the first 45 s of event time. */
class ScriptedIncidentTest {

    private static final long T0 = 1_000_000_000L;

    private static CallPlan plan(ScriptedIncident incident) {
        return incident.plan(new SplittableRandom(1), T0, 100);
    }

    @Test
    void everyScriptedSlotHasOneActInSlotOrder() {
        assertThat(ScriptedIncident.values()).hasSize(DemoScript.SCRIPTED_SLOTS);
        for (ScriptedIncident incident : ScriptedIncident.values()) {
            assertThat(ScriptedIncident.ofSlot(incident.slot())).isSameAs(incident);
        }
    }

    @Test
    void theActsChangeTheDefaultScriptedCallAsDocumented() {
        assertThat(plan(ScriptedIncident.SUSTAINED_HIGH))
                .satisfies(
                        c -> {
                            assertThat(c.conditionAt(T0 + 55_000)).isEqualTo(MediaCondition.HIGH);
                            assertThat(c.conditionAt(T0 + 60_000))
                                    .isEqualTo(MediaCondition.HEALTHY);
                            assertThat(c.completedAt).isEqualTo(T0 + 156_000);
                        });
        assertThat(plan(ScriptedIncident.CODEC_FALLBACK).video).isTrue();
        assertThat(plan(ScriptedIncident.IVR_SELF_SERVICE))
                .satisfies(
                        c -> {
                            assertThat(c.ivrOnly).isTrue();
                            assertThat(c.disposition).isEqualTo("IVR_SELF_SERVICE");
                            assertThat(c.completedAt).isEqualTo(T0 + 24_000);
                        });
        CallPlan first = plan(ScriptedIncident.REPEAT_CALLER_FIRST);
        CallPlan second = plan(ScriptedIncident.REPEAT_CALLER_SECOND);
        assertThat(second.customer).isEqualTo(first.customer);
        assertThat(second.queuedAt).isGreaterThan(first.completedAt);
        assertThat(plan(ScriptedIncident.FAILED_UPLOAD).upload).isEqualTo(CallPlan.Upload.FAILED);
        assertThat(plan(ScriptedIncident.LATE_UPLOAD).upload).isEqualTo(CallPlan.Upload.LATE);
        assertThat(plan(ScriptedIncident.STRAGGLER).stragglerAt).isEqualTo(T0 + 15_000);
    }

    @Test
    void theOffHoursAgentSitsInAZoneOutsideBusinessHours() {
        DemoScript script = new DemoScript(1, 20, T0);
        assertThat(script.zoneOf(ScriptedIncident.OFF_HOURS.slot()))
                .isEqualTo(script.offHoursZone());
    }
}
