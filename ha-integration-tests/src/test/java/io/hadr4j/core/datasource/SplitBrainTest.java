package io.hadr4j.core.datasource;

import static io.hadr4j.core.datasource.PgRouterSupport.await;
import static io.hadr4j.core.datasource.PgRouterSupport.serverPort;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

import com.zaxxer.hikari.HikariDataSource;

import io.hadr4j.testkit.PgNode;

/** The killed old primary comes back believing it is primary (split brain). */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SplitBrainTest {

    @RegisterExtension
    static final PgRouterSupport env = PgRouterSupport.cluster(false, 4);

    @Test
    @Order(1)
    void theStaleOldPrimaryIsFencedAndGetsNoWrite() throws Exception {
        RegionAwareDataSource ds = env.start(PgRouterSupport.fastConfig("region-a").build());
        PgNode a = env.db.nodeA();
        PgNode b = env.db.nodeB();
        WriteLoad load = new WriteLoad(ds, 1);
        long rowsOnStaleA;
        try {
            await("writes on a", Duration.ofSeconds(10), () -> load.acknowledgedOn(a.port()) >= 20);
            a.kill();
            env.db.failover();
            await("writes on b", Duration.ofSeconds(30), () -> load.acknowledgedOn(b.port()) >= 20);

            env.db.restartAsStalePrimary(a);
            rowsOnStaleA = a.queryForLong("SELECT count(*) FROM writes");
            await("a seen as a fenced primary", Duration.ofSeconds(30), () -> {
                RouterSnapshot.EndpointView v = ds.snapshot().endpoint("a");
                return v.role() == Role.PRIMARY && v.fenced();
            });
            long onB = load.acknowledgedOn(b.port());
            await("more writes while a is back", Duration.ofSeconds(30), () -> load.acknowledgedOn(b.port()) >= onB + 50);
            // Reads in a's region do not go to the fenced node either.
            for (int i = 0; i < 5; i++) {
                try (Connection c = ds.readOnly().getConnection()) {
                    assertEquals(b.port(), serverPort(c));
                }
            }
        } finally {
            load.close();
        }
        assertEquals(rowsOnStaleA, a.queryForLong("SELECT count(*) FROM writes"), "a write reached the stale primary");
        assertEquals(0, a.queryForLong("SELECT count(*) FROM writes WHERE port = " + b.port()));
        RouterSnapshot s = ds.snapshot();
        assertEquals("b", s.writeEndpoint());
        assertTrue(s.endpoint("a").fenced(), s.toString());
        assertFalse(s.endpoint("b").fenced(), s.toString());
        assertTrue(s.endpoint("a").epoch() < s.endpoint("b").epoch(), s.toString());
        assertTrue(env.hasEvent(RouterEvent.Type.ENDPOINT_FENCED, "a"));
        ds.close();
    }

    /**
     * A router that restarts while the stale old primary is back and the new one is out of its reach sees a single
     * claim of primary. With an epoch file it remembers the newer timeline and keeps the stale node fenced; without
     * one it would route writes to it.
     */
    @Test
    @Order(2)
    void aRestartedRouterWithAnEpochFileStillFencesTheStalePrimaryWhenTheNewOneIsOutOfReach(@TempDir Path dir) throws Exception {
        PgNode a = env.db.nodeA();
        PgNode b = env.db.nodeB();
        assertEquals(Role.PRIMARY, a.role(), "the topology of the first test: a is a stale primary");
        Path epochFile = dir.resolve("orders.epoch");
        RegionAwareDataSource first = env.start(PgRouterSupport.fastConfig("region-a").epochFile(epochFile).build());
        long newest = first.snapshot().endpoint("b").epoch();
        assertTrue(first.snapshot().endpoint("a").epoch() < newest);
        await("the newest epoch kept", Duration.ofSeconds(10), () -> Files.exists(epochFile));
        assertEquals(newest, RouterConfig.readEpochFile(epochFile).getAsLong()); // the file is checksummed now (EpochFile)
        first.close();

        long rowsOnA = a.queryForLong("SELECT count(*) FROM writes");
        b.proxy().drop();
        b.proxy().refuse(); // the app's region loses b; a, the stale primary, is all it can see
        try {
            RegionAwareDataSource restarted = env.start(PgRouterSupport.fastConfig("region-a").epochFile(epochFile)
                    .failoverTimeout(Duration.ofSeconds(1)).build());
            SQLException e = assertThrows(SQLException.class, () -> PgRouterSupport.insert(restarted, -10));
            assertEquals(RegionAwareDataSource.SQLSTATE_NO_PRIMARY, e.getSQLState(), e.getMessage());
            assertTrue(e.getMessage().contains("fenced (its epoch is older than " + newest), e.getMessage());
            assertTrue(e.getMessage().contains("kept in " + epochFile), e.getMessage());
            assertTrue(restarted.snapshot().endpoint("a").fenced(), restarted.snapshot().toString());
            restarted.close();

            // The control: the same restart without the file believes the only primary it sees.
            RegionAwareDataSource forgetful = env.start(PgRouterSupport.fastConfig("region-a").failoverTimeout(Duration.ofSeconds(1)).build());
            assertEquals("a", forgetful.snapshot().writeEndpoint(), "without the file the stale primary gets the writes");
            forgetful.close();
        } finally {
            b.proxy().heal();
        }
        assertEquals(rowsOnA, a.queryForLong("SELECT count(*) FROM writes"), "a write reached the stale primary");
    }

    @Test
    @Order(3)
    void whenTheNewerPrimaryCannotBeDecidedWritesFailClosed() {
        assertEquals(Role.PRIMARY, env.db.nodeA().role(), "the topology of the first test: a is a stale primary");
        // A dialect that cannot tell epochs (as SQL Server cannot): both claims are equal.
        Dialect noEpoch = new Dialect() {
            @Override
            public String name() {
                return "PostgreSQL without epochs";
            }

            @Override
            public Status probe(Connection c, int timeout) throws SQLException {
                Status s = Dialect.POSTGRESQL.probe(c, timeout);
                return new Status(s.role(), null, s.lag());
            }

            @Override
            public ErrorKind classifyOne(SQLException e) {
                return Dialect.POSTGRESQL.classifyOne(e);
            }
        };
        RegionAwareDataSource ds = env.start(PgRouterSupport.fastConfig("region-a").dialect(noEpoch)
                .failoverTimeout(Duration.ofSeconds(1)).build());
        SQLException e = assertThrows(SQLException.class, () -> ds.getConnection().close());
        assertEquals(RegionAwareDataSource.SQLSTATE_SPLIT_BRAIN, e.getSQLState(), e.getMessage());
        assertInstanceOf(SplitBrainException.class, e, "callers can catch it by type");
        assertTrue(e.getMessage().contains("split brain"), e.getMessage());
        assertTrue(e.getMessage().contains("a [region-a]: PRIMARY FENCED"), e.getMessage());
        assertTrue(e.getMessage().contains("b [region-b]: PRIMARY FENCED"), e.getMessage());
        RouterSnapshot s = ds.snapshot();
        assertEquals(null, s.writeEndpoint());
        assertTrue(s.endpoint("a").fenced() && s.endpoint("b").fenced(), s.toString());
        ds.close();
    }

    @Test
    @Order(4)
    void aConnectionTakenBeforeTheSplitBrainWritesNothingMoreToTheFencedPrimary() throws Exception {
        PgNode a = env.db.nodeA();
        PgNode b = env.db.nodeB();
        env.db.reattachAsStandby(a); // a follows b again
        RegionAwareDataSource ds = env.start(PgRouterSupport.fastConfig("region-a").build());
        assertEquals("b", ds.snapshot().writeEndpoint());
        try (Connection held = ds.getConnection()) {
            assertEquals(b.port(), serverPort(held));
            DatabaseMetaData md = held.getMetaData();
            assertSame(held, md.getConnection(), "metadata leads back to the router's connection, not the pool's");
            try (ResultSet tables = md.getTables(null, null, "writes", null)) {
                assertTrue(tables.next());
                assertTrue(tables instanceof RouterResultSet, tables.getClass().getName());
                assertNull(tables.getStatement());
            }
            env.db.failover(); // a is promoted while b is up and still writable: two primaries, a has the newer timeline
            await("b fenced", Duration.ofSeconds(30), () -> ds.snapshot().endpoint("b").fenced());
            assertEquals("a", ds.snapshot().writeEndpoint());
            SQLException e = assertThrows(SQLException.class, () -> {
                try (java.sql.Statement st = held.createStatement()) {
                    st.executeUpdate("INSERT INTO writes(id, port) VALUES (-1, inet_server_port())");
                }
            });
            assertEquals(RegionAwareDataSource.SQLSTATE_SPLIT_BRAIN, e.getSQLState(), e.getMessage());
            assertTrue(e.getMessage().contains("b is fenced"), e.getMessage());
            SQLException viaMetadata = assertThrows(SQLException.class, () -> md.getColumns(null, null, "writes", null));
            assertEquals(RegionAwareDataSource.SQLSTATE_SPLIT_BRAIN, viaMetadata.getSQLState(), "metadata taken before the split brain asks the fenced node nothing");
        }
        assertEquals(0, b.queryForLong("SELECT count(*) FROM writes WHERE id = -1"), "the held connection wrote to the fenced primary");
        assertEquals(a.port(), PgRouterSupport.insert(ds, -2));
        ds.close();
    }

    /**
     * The round that sees the new primary publishes the route, and wakes the callers waiting for a writer, before it
     * takes the newly fenced endpoint's pool away: a waiting caller gets the new primary even while that pool's
     * eviction has not returned (here it is held on purpose). Before, the eviction ran first and the callers were woken
     * at the end of the round, so every one of them waited for it too. The periodic probe is a minute away, so that
     * the caller's own wait for a round (up to the probe interval) cannot end it either.
     */
    @Test
    @Order(5)
    void aCallerWaitingForAWriterGetsTheNewPrimaryBeforeTheFencedPoolIsEvicted() throws Exception {
        PgNode a = env.db.nodeA();
        PgNode b = env.db.nodeB();
        env.db.reattachAsStandby(b); // after the previous test a is the primary and b a fenced stale one
        HeldEviction poolA = new HeldEviction(env.poolA);
        RegionAwareDataSource ds = env.start(PgRouterSupport.fastConfig("region-a").probeInterval(Duration.ofMinutes(1)).build(),
                Endpoint.of("a", a.region(), poolA), Endpoint.of("b", b.region(), env.poolB));
        ExecutorService caller = Executors.newSingleThreadExecutor();
        try {
            assertEquals("a", ds.snapshot().writeEndpoint());
            env.db.demoteInPlace(a);
            ds.probeNow();
            assertEquals(Role.READ_ONLY, ds.snapshot().endpoint("a").role(), ds.snapshot()::toString);
            assertNull(ds.snapshot().writeEndpoint(), ds.snapshot()::toString);
            poolA.hold(); // from now on, evicting a's pool blocks until released (a's demotion evicted it already)
            Future<Integer> port = caller.submit(() -> {
                try (Connection c = ds.getConnection()) {
                    return serverPort(c);
                }
            });
            env.db.failover(); // b is promoted; a, read-only on the older timeline, is fenced by the same round
            assertTrue(poolA.entered.await(30, TimeUnit.SECONDS), "the router never evicted the pool of the fenced a: " + ds.snapshot());
            try {
                assertEquals(b.port(), port.get(10, TimeUnit.SECONDS));
            } catch (TimeoutException e) {
                fail("the caller waiting for a writer got no connection in 10 s while the fenced a's eviction was held: " + ds.snapshot());
            }
            assertEquals(1, poolA.released.getCount(), "the eviction was still held when the caller got its connection");
            poolA.release();
            ds.probeNow();
            assertTrue(ds.snapshot().endpoint("a").fenced(), ds.snapshot().toString());
            assertTrue(env.hasEvent(RouterEvent.Type.ENDPOINT_FENCED, "a"));
        } finally {
            poolA.release();
            caller.shutdownNow();
            ds.close();
        }
        env.db.reattachAsStandby(a);
    }

    /** A DataSource over a HikariCP pool whose {@code softEvictConnections()} (which the router finds) can be held. */
    public static final class HeldEviction extends NoDataSource {
        final CountDownLatch entered = new CountDownLatch(1);
        final CountDownLatch released = new CountDownLatch(1);
        private final HikariDataSource pool;
        private volatile boolean held;

        HeldEviction(HikariDataSource pool) {
            this.pool = pool;
        }

        void hold() {
            held = true;
        }

        void release() {
            released.countDown();
        }

        public void softEvictConnections() throws InterruptedException {
            if (held) {
                entered.countDown();
                released.await(30, TimeUnit.SECONDS);
            }
            pool.getHikariPoolMXBean().softEvictConnections();
        }

        @Override
        public Connection getConnection() throws SQLException {
            return pool.getConnection();
        }
    }
}
