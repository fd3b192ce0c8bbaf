package io.hadr4j.core.datasource;

import static io.hadr4j.core.datasource.PgRouterSupport.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.hadr4j.testkit.PgNode;

/**
 * kill -9 of the primary under a steady write load with the testkit's default <em>asynchronous</em> replication: the
 * failover may lose acknowledged writes (the RPO of asynchronous replication is not zero), and this test counts them
 * instead of forbidding them ({@link ForcedFailoverTest} proves none are lost with synchronous replication). What it
 * does assert: a lost write is one of the newest before the kill (the standby holds a prefix of the primary's
 * commits), no acknowledged write is present twice, and every write after the failover landed on the new primary.
 */
class AsyncForcedFailoverTest {

    @RegisterExtension
    static final PgRouterSupport env = PgRouterSupport.cluster(false, 4);

    @Test
    void countsTheAcknowledgedWritesThatAFailoverLosesAndResumesOnTheNewPrimary() throws Exception {
        assertFalse(env.db.synchronousReplication(), "the testkit's default is asynchronous replication");
        RegionAwareDataSource ds = env.start(PgRouterSupport.fastConfig("region-a").build());
        PgNode a = env.db.nodeA();
        PgNode b = env.db.nodeB();
        WriteLoad load = new WriteLoad(ds, 1);
        try {
            await("a steady load on a", Duration.ofSeconds(20), () -> load.acknowledgedOn(a.port()) >= 200);
            a.kill();
            env.db.failover();
            await("writes resumed on b", Duration.ofSeconds(30), () -> load.acknowledgedOn(b.port()) >= 50);
        } finally {
            load.close();
        }
        List<Long> onA = idsAcknowledgedBy(load, a.port());
        List<Long> onB = idsAcknowledgedBy(load, b.port());
        assertEquals(load.acknowledged.size(), onA.size() + onB.size(), "every write was acknowledged by a or b");

        TreeSet<Long> presentOfA = new TreeSet<>(PgRouterSupport.presentOn(b, onA));
        List<Long> lost = onA.stream().filter(id -> !presentOfA.contains(id)).sorted().collect(Collectors.toList());
        System.out.println("asynchronous forced failover: " + onA.size() + " writes acknowledged by a, " + lost.size()
                + " of them lost" + (lost.isEmpty() ? "" : " (ids " + lost + ")") + "; " + onB.size()
                + " acknowledged by b after the failover; " + load.failures.size() + " failed attempts");
        assertTrue(lost.size() >= 0);
        // One writer thread, one commit at a time: the standby replayed a prefix of them, so what is lost is the newest.
        if (!lost.isEmpty() && !presentOfA.isEmpty()) {
            assertTrue(presentOfA.last() < lost.get(0), "a write was lost although a newer one survived: lost " + lost
                    + ", newest surviving " + presentOfA.last());
        }

        // Present writes are present exactly once, and each with the server that acknowledged it.
        List<Long> all = new ArrayList<>(load.acknowledged.keySet());
        try (Connection c = b.directDataSource().getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT count(*), count(DISTINCT id),"
                     + " count(*) FILTER (WHERE port = ?), count(*) FILTER (WHERE port = ?) FROM writes WHERE id = ANY (?)")) {
            ps.setInt(1, a.port());
            ps.setInt(2, b.port());
            ps.setArray(3, c.createArrayOf("bigint", all.toArray()));
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                assertEquals(rs.getLong(2), rs.getLong(1), "an acknowledged write is present more than once");
                assertEquals(presentOfA.size(), rs.getLong(3), "surviving writes of a carry a's port");
                assertEquals(onB.size(), rs.getLong(4), "every write acknowledged after the failover is on the new primary");
            }
        }
        assertTrue(onA.stream().mapToLong(Long::longValue).max().orElseThrow()
                < onB.stream().mapToLong(Long::longValue).min().orElseThrow(), "writes moved to b only after the failover");
        RouterSnapshot s = ds.snapshot();
        assertEquals("b", s.writeEndpoint(), s::toString);
        assertEquals("a", s.lastFailoverFrom());
        ds.close();
    }

    private static List<Long> idsAcknowledgedBy(WriteLoad load, int port) {
        return load.acknowledged.entrySet().stream().filter(e -> e.getValue() == port).map(Map.Entry::getKey)
                .sorted().collect(Collectors.toList());
    }
}
