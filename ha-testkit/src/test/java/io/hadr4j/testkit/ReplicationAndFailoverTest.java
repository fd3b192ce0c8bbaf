package io.hadr4j.testkit;

import io.hadr4j.core.datasource.Role;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The real primary and standby: replication, switchover, forced failover, split brain and demotion.
 * One topology for the class; every test leaves one writable primary and one streaming standby behind.
 */
class ReplicationAndFailoverTest {
    private static TwoRegionPostgres db;

    @BeforeAll
    static void start() {
        db = TwoRegionPostgres.builder().regions("centralindia", "southindia").build().start();
        db.primary().execute("CREATE TABLE t (id bigint PRIMARY KEY, note text)");
    }

    @AfterAll
    static void stop() {
        if (db != null) {
            db.close();
        }
    }

    @AfterEach
    void topologyIsWhole() {
        assertEquals(Role.PRIMARY, db.primary().role());
        assertEquals(Role.SECONDARY, db.standby().role());
    }

    private static long nextId = 1;

    private static long insert(PgNode node) {
        long id = nextId++;
        node.execute("INSERT INTO t VALUES (" + id + ", 'written on " + node.name() + "')");
        return id;
    }

    private static boolean has(PgNode node, long id) {
        return node.queryForLong("SELECT count(*) FROM t WHERE id = " + id) == 1;
    }

    @Test
    void startsPrimaryInRegionAAndStreamingStandbyInRegionB() {
        assertSame(db.nodeA(), db.primary());
        assertSame(db.nodeB(), db.standby());
        assertEquals("centralindia", db.nodeA().region());
        assertEquals("southindia", db.nodeB().region());
        assertTrue(db.startupTime().compareTo(Duration.ZERO) > 0);
        assertEquals("on", db.nodeA().queryForString("SHOW archive_mode"));
    }

    @Test
    void rowWrittenOnPrimaryIsReadOnStandby() {
        PgNode p = db.primary();
        PgNode s = db.standby();
        long id = insert(p);
        db.awaitReplayed(Duration.ofSeconds(30));
        assertTrue(has(s, id), "row " + id + " replicated to the standby");
        assertTrue(s.replicationLagBytes() < 64 * 1024, "caught up, but for WAL written since (a few bytes)");
        assertTrue(s.replicationLag().compareTo(Duration.ofMinutes(1)) < 0);
        assertEquals(p.timeline(), s.timeline());
        SQLException e = assertThrows(SQLException.class, () -> {
            try (Connection c = s.dataSource().getConnection(); Statement st = c.createStatement()) {
                st.execute("INSERT INTO t VALUES (-1, 'on a standby')");
            }
        });
        assertEquals("25006", e.getSQLState(), "a standby refuses writes as read-only");
    }

    @Test
    void replicationLagIsMeasuredWhileReplayIsPaused() {
        PgNode s = db.standby();
        s.execute("SELECT pg_wal_replay_pause()");
        try {
            for (int i = 0; i < 20; i++) {
                insert(db.primary());
            }
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (s.replicationLagBytes() == 0 && System.nanoTime() < deadline) {
                PgNode.sleep(20);
            }
            assertTrue(s.replicationLagBytes() > 1000, "paused replay shows a lag in bytes");
        } finally {
            s.execute("SELECT pg_wal_replay_resume()");
        }
        db.awaitReplayed(Duration.ofSeconds(30));
        assertTrue(s.replicationLagBytes() < 64 * 1024, "caught up, but for WAL written since (a few bytes)");
    }

    @Test
    void plannedSwitchoverLeavesWritableNewPrimaryOnNewerTimelineAndLosesNothing() {
        PgNode old = db.primary();
        long tl = old.timeline();
        long before = insert(old);
        PgNode next = db.switchover();
        assertNotSame(old, next);
        assertEquals(Role.PRIMARY, next.role());
        assertTrue(next.timeline() > tl, "new primary on a newer timeline");
        assertTrue(has(next, before), "the last write before the switchover is on the new primary");
        assertEquals(Role.SECONDARY, old.role(), "the old primary follows the new one");
        long after = insert(next);
        db.awaitReplayed(Duration.ofSeconds(30));
        assertTrue(has(old, after), "the old primary replicates from the new one");
    }

    @Test
    void forcedFailoverAfterKillPromotesStandbyAndStalePrimaryStillTakesWrites() {
        PgNode old = db.primary();
        PgNode standby = db.standby();
        long tl = old.timeline();
        db.awaitReplayed(Duration.ofSeconds(30));
        old.kill();
        assertEquals(Role.DOWN, old.role());
        assertTrue(old.pid() < 0);
        PgNode next = db.failover();
        assertSame(standby, next);
        assertEquals(Role.PRIMARY, next.role());
        assertTrue(next.timeline() > tl);
        insert(next);

        // The old primary comes back believing it is still the primary: split brain.
        db.restartAsStalePrimary(old);
        assertEquals(Role.PRIMARY, old.role());
        assertEquals(tl, old.timeline(), "the stale primary is on the old timeline");
        long stale = insert(old); // what later layers must prevent: it still accepts writes directly
        assertTrue(has(old, stale));
        assertTrue(!has(next, stale));
        assertSame(next, db.primary(), "primary() picks the newer timeline");

        db.reattachAsStandby(old);
        assertEquals(Role.SECONDARY, old.role());
        assertTrue(!has(old, stale), "re-attaching discards what only the stale primary had");
    }

    @Test
    void demoteInPlaceKeepsConnectionsOpenButRefusesWrites() throws Exception {
        PgNode p = db.primary();
        try (Connection held = p.dataSource().getConnection(); Statement st = held.createStatement()) {
            st.execute("INSERT INTO t VALUES (" + (nextId++) + ", 'before demote')");
            db.demoteInPlace(p);
            assertEquals(Role.READ_ONLY, p.role());
            SQLException e = assertThrows(SQLException.class, () -> st.execute("INSERT INTO t VALUES (" + (nextId++) + ", 'after')"));
            assertEquals("25006", e.getSQLState());
            assertTrue(held.isValid(2), "the connection stays open");
            st.execute("SELECT 1");
        }
        PgNode next = db.failover();
        insert(next);
        db.reattachAsStandby(p);
        assertEquals(Role.SECONDARY, p.role());
        assertEquals("off", p.queryForString("SHOW default_transaction_read_only"));
    }

    @Test
    void cleanStopAndStartKeepRoles() {
        PgNode s = db.standby();
        s.stop();
        assertEquals(Role.DOWN, s.role());
        long id = insert(db.primary());
        s.start();
        assertEquals(Role.SECONDARY, s.role());
        db.awaitReplayed(Duration.ofSeconds(30));
        assertTrue(has(s, id), "the standby catches up after a restart");
    }
}
