package io.hadr4j.core.datasource;

import static io.hadr4j.core.datasource.Await.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

import org.junit.jupiter.api.Test;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;

/**
 * Listeners run on the router's own event thread: a listener that blocks delays neither a caller whose connection
 * failed (the CONNECTION_ERROR is published from that caller's call) nor the probe rounds, and one that throws does
 * not stop later events. Over a HikariCP pool and the real mssql-jdbc driver against a {@link TdsServer}.
 */
class ListenerThreadTest {

    private static final RouterConfig CONFIG = RouterConfig.custom().name("listeners").localRegion("region-a")
            .probeInterval(Duration.ofMillis(100)).probeTimeout(Duration.ofSeconds(1)).failoverTimeout(Duration.ofSeconds(2)).build();

    @Test
    void aBlockedListenerDelaysNeitherTheCallerNorTheProbeRounds() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        List<RouterEvent> seen = new CopyOnWriteArrayList<>();
        List<String> threads = new CopyOnWriteArrayList<>();
        Consumer<RouterEvent> blocking = ev -> {
            threads.add(Thread.currentThread().getName());
            seen.add(ev);
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        };
        try (TdsServer server = new TdsServer(); HikariDataSource pool = pool(server);
             RegionAwareDataSource ds = RegionAwareDataSource.create(CONFIG, List.of(Endpoint.of("a", "region-a", pool)), blocking)) {
            assertEquals("a", ds.snapshot().writeEndpoint(), "the first round completed although its first event is still being handled");
            await("the listener holds the first event", Duration.ofSeconds(30), () -> seen.size() == 1);

            long rounds = ds.snapshot().probeRounds();
            await("probe rounds go on while the listener blocks", Duration.ofSeconds(30), () -> ds.snapshot().probeRounds() >= rounds + 3);

            // A connection error on the caller's thread publishes CONNECTION_ERROR; the caller gets its exception at once.
            String caller = "caller-" + System.nanoTime();
            CompletableFuture<SQLException> call = new CompletableFuture<>();
            Thread t = new Thread(() -> {
                try (Connection c = ds.getConnection(); Statement st = c.createStatement()) {
                    st.execute("SELECT 'RESET'");
                    call.complete(null);
                } catch (SQLException e) {
                    call.complete(e);
                }
            }, caller);
            t.start();
            SQLException lost = call.get(30, TimeUnit.SECONDS); // would hang while the listener blocks if it ran on this thread
            assertEquals("08S01", lost.getSQLState(), lost::toString);
            assertEquals(1, seen.size(), "the listener is still blocked on the first event: " + seen);
            assertFalse(ds.awaitEvents(Duration.ZERO), "events wait behind the blocked listener");

            release.countDown();
            assertTrue(ds.awaitEvents(Duration.ofSeconds(30)));
            assertTrue(seen.stream().anyMatch(ev -> ev.type() == RouterEvent.Type.CONNECTION_ERROR && "a".equals(ev.endpoint())), seen::toString);
            assertTrue(threads.stream().allMatch(n -> n.startsWith("listeners-events-")),
                    "every event on the router's event thread, none on the caller's (" + caller + ") or a probe's: " + threads);
        }
    }

    @Test
    void aThrowingListenerDoesNotStopLaterEvents() throws Exception {
        AtomicInteger thrown = new AtomicInteger();
        List<RouterEvent> seen = new CopyOnWriteArrayList<>();
        try (TdsServer server = new TdsServer(); HikariDataSource pool = pool(server);
             RegionAwareDataSource ds = RegionAwareDataSource.create(CONFIG, List.of(Endpoint.of("a", "region-a", pool)), ev -> {
                 thrown.incrementAndGet();
                 throw new IllegalStateException("a listener's bug");
             })) {
            ds.addListener(ev -> {
                thrown.incrementAndGet();
                throw new AssertionError("a test's failed assertion in a listener");
            });
            ds.addListener(seen::add);
            assertTrue(ds.awaitEvents(Duration.ofSeconds(30)));
            int before = seen.size();

            server.setReadOnly(true); // the next round sees a demoted primary: ROLE_CHANGED, NO_PRIMARY, POOL_EVICTED
            await("a seen READ_ONLY", Duration.ofSeconds(30), () -> ds.snapshot().endpoint("a").role() == Role.READ_ONLY);
            assertTrue(ds.awaitEvents(Duration.ofSeconds(30)));
            assertTrue(seen.subList(before, seen.size()).stream().anyMatch(ev -> ev.type() == RouterEvent.Type.ROLE_CHANGED), seen::toString);
            assertTrue(seen.stream().anyMatch(ev -> ev.type() == RouterEvent.Type.NO_PRIMARY), seen::toString);
            assertTrue(thrown.get() >= 2 * seen.size(), "the throwing listeners got every event too: " + thrown.get() + " for " + seen.size());

            server.setReadOnly(false);
            ds.probeNow();
            assertEquals("a", ds.snapshot().writeEndpoint(), "the rounds went on");
            SQLException none = assertThrows(SQLException.class, () -> {
                try (Connection c = ds.getConnection(); Statement st = c.createStatement()) {
                    st.execute("SELECT 'RAISE 208'");
                }
            });
            assertEquals(208, none.getErrorCode());
        }
    }

    static HikariDataSource pool(TdsServer server) {
        HikariConfig c = new HikariConfig();
        c.setPoolName("pool-listeners");
        c.setJdbcUrl(server.url());
        c.setUsername("app");
        c.setPassword("x");
        c.setMaximumPoolSize(3);
        c.setMinimumIdle(0);
        c.setConnectionTimeout(2000);
        c.setRegisterMbeans(false);
        return new HikariDataSource(c);
    }
}
