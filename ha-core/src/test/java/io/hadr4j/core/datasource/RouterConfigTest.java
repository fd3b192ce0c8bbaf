package io.hadr4j.core.datasource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import javax.sql.DataSource;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RouterConfigTest {

    @Test
    void defaultsAreValidAndDocumented() {
        RouterConfig c = RouterConfig.ofDefaults();
        assertEquals(Duration.ofSeconds(1), c.probeInterval());
        assertEquals(Duration.ofSeconds(2), c.probeTimeout());
        assertEquals(Duration.ofSeconds(30), c.failoverTimeout());
        assertEquals(Duration.ofSeconds(5), c.maxReadLag());
        assertFalse(c.closeDataSourcesOnClose());
        assertFalse(c.evictOnPromotion());
        assertNull(c.dialect());
        assertNull(c.localRegion());
        assertTrue(c.circuitBreakerConfig().getWaitIntervalFunctionInOpenState().apply(1) >= 2000,
                "an open circuit waits at least the probe timeout");
    }

    @Test
    void customValuesAreKeptAndCopyable() {
        RouterConfig c = RouterConfig.custom().name("orders").localRegion("westeurope").dialect(Dialect.SQL_SERVER)
                .probeInterval(Duration.ofMillis(250)).probeTimeout(Duration.ofMillis(500))
                .failoverTimeout(Duration.ofSeconds(10)).maxReadLag(Duration.ZERO).evictOnPromotion(true).build();
        RouterConfig copy = RouterConfig.from(c).build();
        assertEquals("orders", copy.name());
        assertEquals("westeurope", copy.localRegion());
        assertEquals(Dialect.SQL_SERVER, copy.dialect());
        assertEquals(Duration.ofMillis(250), copy.probeInterval());
        assertEquals(Duration.ZERO, copy.maxReadLag());
        assertTrue(copy.evictOnPromotion());
        // The derived circuit breaker follows a changed probe interval in a copy.
        RouterConfig slower = RouterConfig.from(c).probeInterval(Duration.ofSeconds(10)).build();
        assertEquals(30_000L, slower.circuitBreakerConfig().getWaitIntervalFunctionInOpenState().apply(1));
    }

    @Test
    void aBadEpochFileFailsAtBuildWithWhatToDo(@TempDir Path dir) throws Exception {
        Path missingDir = dir.resolve("no-such-dir").resolve("epoch");
        assertMessage(() -> RouterConfig.custom().epochFile(missingDir).build(), "is in a directory that does not exist", "create the directory");
        assertMessage(() -> RouterConfig.custom().epochFile(dir).build(), "is a directory", "hadr4j.epoch");
        Path garbage = Files.writeString(dir.resolve("garbage"), "timeline two\n");
        assertMessage(() -> RouterConfig.custom().epochFile(garbage).build(), "holds 'timeline two', not an epoch", "point epochFile at a file of its own");
        Path kept = Files.writeString(dir.resolve("kept"), "7\n");
        RouterConfig c = RouterConfig.custom().epochFile(kept).build();
        assertEquals(kept, RouterConfig.from(c).build().epochFile());
        assertEquals(7L, RouterConfig.readEpochFile(kept).getAsLong());
        assertTrue(RouterConfig.readEpochFile(dir.resolve("not-yet")).isEmpty(), "a file not written yet is fine");
        assertTrue(c.toString().contains("epochFile=" + kept), c.toString());
    }

    @Test
    void badValuesFailWithAMessageThatSaysWhatToChange() {
        assertMessage(() -> RouterConfig.custom().probeInterval(Duration.ofMillis(10)).build(),
                "probeInterval must be at least 100 ms (was 10 ms)", "RouterConfig.custom().probeInterval(");
        assertMessage(() -> RouterConfig.custom().probeTimeout(null).build(), "probeTimeout must not be null", "probeTimeout(");
        assertMessage(() -> RouterConfig.custom().failoverTimeout(Duration.ofSeconds(-1)).build(),
                "failoverTimeout must be at least 0 ms (was -1000 ms)");
        assertMessage(() -> RouterConfig.custom().maxReadLag(Duration.ofMillis(-5)).build(), "maxReadLag must be at least 0 ms");
        assertMessage(() -> RouterConfig.custom().failoverTimeout(Duration.ofMillis(500)).probeTimeout(Duration.ofSeconds(2)).build(),
                "failoverTimeout (500 ms) is shorter than probeTimeout (2000 ms)", "raise failoverTimeout to at least 2000 ms");
        assertMessage(() -> RouterConfig.custom().name(" ").build(), "name must not be blank");
        assertMessage(() -> RouterConfig.custom().localRegion("").build(), "localRegion must not be blank");
        // failoverTimeout 0 = never wait, allowed whatever the probe timeout
        assertEquals(Duration.ZERO, RouterConfig.custom().failoverTimeout(Duration.ZERO).build().failoverTimeout());
    }

    @Test
    void badEndpointsFailBeforeAnythingStarts() {
        RouterConfig c = RouterConfig.custom().localRegion("r1").build();
        DataSource a = new NoDataSource();
        DataSource b = new NoDataSource();
        assertMessage(() -> RegionAwareDataSource.create(c), "at least one endpoint is needed", "Endpoint.of(");
        assertMessage(() -> RegionAwareDataSource.create(c, Endpoint.of("a", "r1", a), Endpoint.of("a", "r2", b)),
                "two endpoints are named 'a'");
        assertMessage(() -> RegionAwareDataSource.create(c, Endpoint.of(" ", "r1", a)), "has no name", "give every endpoint a unique name");
        assertMessage(() -> RegionAwareDataSource.create(c, Endpoint.of("a", null, a)), "endpoint 'a' has no region");
        assertMessage(() -> RegionAwareDataSource.create(c, Endpoint.of("a", "r1", null)), "endpoint 'a' has no DataSource");
        assertMessage(() -> RegionAwareDataSource.create(c, Endpoint.of("a", "r1", a, -1)), "endpoint 'a' has priority -1");
        assertMessage(() -> RegionAwareDataSource.create(c, Endpoint.of("a", "r1", a), Endpoint.of("b", "r2", a)),
                "endpoints 'a' and 'b' share one DataSource");
        assertMessage(() -> RegionAwareDataSource.create(null, List.of(Endpoint.of("a", "r1", a))), "config must not be null");
    }

    @Test
    void endpointToStringNeverShowsTheDataSource() {
        Endpoint e = Endpoint.of("a", "r1", new NoDataSource() {
            @Override
            public String toString() {
                return "jdbc:postgresql://h/db?password=hunter2";
            }
        });
        assertFalse(e.toString().contains("hunter2"), e.toString());
        assertEquals(io.hadr4j.core.Secrets.MASK, io.hadr4j.core.Secrets.mask("password=hunter2").substring("password=".length()));
        assertFalse(io.hadr4j.core.Secrets.mask("jdbc:sqlserver://h;user=u;password=hunter2;encrypt=true").contains("hunter2"));
    }

    private static void assertMessage(org.junit.jupiter.api.function.Executable e, String... fragments) {
        IllegalArgumentException ex = assertThrows(IllegalArgumentException.class, e);
        for (String f : fragments) {
            assertTrue(ex.getMessage().contains(f), "message '" + ex.getMessage() + "' should contain '" + f + "'");
        }
    }
}
