package io.hadr4j.core.datasource;

import static io.hadr4j.core.datasource.PgRouterSupport.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.hadr4j.testkit.PgNode;

/** Planned switchover under a steady write load (RPO 0, nothing written to the demoted node). */
class SwitchoverTest {

    @RegisterExtension
    static final PgRouterSupport env = PgRouterSupport.cluster(false, 4);

    @Test
    void writesFollowThePlannedSwitchoverAndEveryAcknowledgedWriteSurvives() throws Exception {
        RegionAwareDataSource ds = env.start(PgRouterSupport.fastConfig("region-a").build());
        PgNode a = env.db.nodeA();
        PgNode b = env.db.nodeB();
        WriteLoad load = new WriteLoad(ds, 1);
        try {
            await("writes on a", Duration.ofSeconds(10), () -> load.acknowledgedOn(a.port()) >= 50);
            PgNode next = env.db.switchover();
            assertEquals(b, next);
            await("writes resumed on b", Duration.ofSeconds(30), () -> load.acknowledgedOn(b.port()) >= 50);
        } finally {
            load.close();
        }

        // Every acknowledged write is on the new primary (RPO 0).
        List<Long> acked = load.ids();
        assertEquals(acked.size(), PgRouterSupport.countPresent(b, acked), "acknowledged writes missing on the new primary");
        // Nothing was committed on the demoted node after it was demoted: every row a committed precedes every row b committed.
        long lastOnA = b.queryForLong("SELECT max(id) FROM writes WHERE port = " + a.port());
        long firstOnB = b.queryForLong("SELECT min(id) FROM writes WHERE port = " + b.port());
        assertTrue(lastOnA < firstOnB, "a committed row " + lastOnA + " after b committed row " + firstOnB);
        // ...and the demoted node has no row the new primary lacks.
        assertEquals(b.queryForLong("SELECT count(*) FROM writes"), awaitSameCount(a, b));

        RouterSnapshot s = ds.snapshot();
        assertEquals("b", s.writeEndpoint());
        assertEquals("a", s.lastFailoverFrom());
        assertEquals("b", s.lastFailoverTo());
        assertNotNull(s.lastFailoverDuration());
        RouterEvent switched = env.events().stream()
                .filter(e -> e.type() == RouterEvent.Type.WRITE_ROUTE_CHANGED && "b".equals(e.writer())).findFirst().orElseThrow();
        assertEquals("a", switched.previousWriter());
        assertNotNull(switched.switchDuration());
        assertTrue(env.hasEvent(RouterEvent.Type.ROLE_CHANGED, "a"));
        await("a back as a secondary", Duration.ofSeconds(30), () -> ds.snapshot().endpoint("a").role() == Role.SECONDARY);
        assertEquals(b.timeline(), ds.snapshot().endpoint("a").epoch(), "the old primary now follows the new timeline");
    }

    private static long awaitSameCount(PgNode standby, PgNode primary) {
        env.db.awaitReplayed(Duration.ofSeconds(30));
        return standby.queryForLong("SELECT count(*) FROM writes");
    }
}
