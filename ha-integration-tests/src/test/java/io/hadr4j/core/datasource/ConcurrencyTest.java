package io.hadr4j.core.datasource;

import static io.hadr4j.core.datasource.PgRouterSupport.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.hadr4j.testkit.PgNode;

/** 32 threads writing and reading through a forced failover. */
class ConcurrencyTest {

    private static final int THREADS = 32;
    @RegisterExtension
    static final PgRouterSupport env = PgRouterSupport.cluster(false, 8);

    @Test
    void noDeadlockNoBlockedThreadNoLeakThroughAFailover() throws Exception {
        PgNode a = env.db.nodeA();
        PgNode b = env.db.nodeB();
        // Probes on their own unpooled connections: 32 threads on 8-connection pools must not starve them.
        RegionAwareDataSource ds = env.start(PgRouterSupport.fastConfig("region-b").build(),
                Endpoint.of("a", a.region(), env.poolA).withProbeDataSource(a.dataSource()),
                Endpoint.of("b", b.region(), env.poolB).withProbeDataSource(b.dataSource()));
        AtomicLong ids = new AtomicLong();
        AtomicLongArray writesOnB = new AtomicLongArray(THREADS);
        AtomicLongArray reads = new AtomicLongArray(THREADS);
        AtomicLong failures = new AtomicLong();
        AtomicLong lastFailureMsgs = new AtomicLong();
        volatile_[0] = true;
        List<Thread> workers = new ArrayList<>();
        for (int t = 0; t < THREADS; t++) {
            int n = t;
            Thread w = new Thread(() -> {
                while (volatile_[0]) {
                    try {
                        if (n % 2 == 0) {
                            if (PgRouterSupport.insert(ds, ids.incrementAndGet()) == b.port()) writesOnB.incrementAndGet(n);
                        } else {
                            try (Connection c = ds.readOnly().getConnection();
                                 PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM writes");
                                 ResultSet rs = ps.executeQuery()) {
                                rs.next();
                                reads.incrementAndGet(n);
                            }
                        }
                    } catch (SQLException e) {
                        failures.incrementAndGet();
                        lastFailureMsgs.incrementAndGet();
                    }
                }
            }, "worker-" + t);
            workers.add(w);
            w.start();
        }
        PgRouterSupport.sleep(1500);
        a.kill();
        PgRouterSupport.sleep(1000);
        env.db.failover();
        await("every writer thread wrote on b", Duration.ofSeconds(60), () -> {
            for (int t = 0; t < THREADS; t += 2) if (writesOnB.get(t) < 5) return false;
            return true;
        });
        long readsNow = sum(reads);
        await("reads go on after the failover", Duration.ofSeconds(30), () -> sum(reads) > readsNow + 100);
        volatile_[0] = false;
        for (Thread w : workers) {
            w.join(30_000);
            assertFalse(w.isAlive(), "deadlocked or blocked: " + w.getName() + " " + Arrays.toString(w.getStackTrace()));
        }
        assertEquals("b", ds.snapshot().writeEndpoint());
        assertEquals(0, ds.trackedConnections(), "every connection the workers closed left the router's registry for aborts");
        System.out.println("concurrency: " + ids.get() + " writes attempted, " + sum(reads) + " reads, " + failures.get() + " failures");

        ds.close();
        await("no router thread left", Duration.ofSeconds(10), () -> routerThreads().isEmpty());
        assertTrue(routerThreads().isEmpty(), routerThreads().toString());
        await("no connection left in use", Duration.ofSeconds(10), () ->
                env.poolA.getHikariPoolMXBean().getActiveConnections() == 0
                        && env.poolB.getHikariPoolMXBean().getActiveConnections() == 0);
    }

    private static final boolean[] volatile_ = {false};

    private static long sum(AtomicLongArray a) {
        long s = 0;
        for (int i = 0; i < a.length(); i++) s += a.get(i);
        return s;
    }

    /** Threads still inside the router: its own threads, or any thread waiting in it. */
    private static List<String> routerThreads() {
        List<String> found = new ArrayList<>();
        for (Map.Entry<Thread, StackTraceElement[]> e : Thread.getAllStackTraces().entrySet()) {
            Thread t = e.getKey();
            boolean inRouter = Arrays.stream(e.getValue()).anyMatch(f -> f.getClassName().startsWith(Router.class.getName()));
            if (t.isAlive() && (t.getName().startsWith("hadr4j-router") || inRouter)) found.add(t.getName() + " " + t.getState());
        }
        return found;
    }
}
