package io.hadr4j.core.datasource;

import static io.hadr4j.core.datasource.PgRouterSupport.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.hadr4j.core.health.HealthCheck;
import io.hadr4j.core.health.HealthChecks;
import io.hadr4j.core.health.HealthGroup;
import io.hadr4j.core.health.HealthResult;
import io.hadr4j.core.health.HealthStatus;
import io.hadr4j.core.health.ReadinessPolicy;
import io.hadr4j.testkit.PgNode;

/**
 * {@link HealthChecks#regionAwareDataSource} over the testkit's real primary and standby, through a failover and the
 * return of the old primary as a stale one. It lives here, not in the health package, to share the router's test
 * plumbing ({@link PgRouterSupport}).
 *
 * <p>What the router really does when the primary dies: the standby's replication stops streaming, so its lag can no
 * longer be measured and it stops being a read route (reads are only sent to a secondary whose freshness is known).
 * With no write route either, {@code readable} is false, and so {@link ReadinessPolicy#ALLOW_READ_ONLY} turns DOWN too
 * until the failover. ALLOW_READ_ONLY keeps an instance in rotation only while a read route exists, for example while
 * a fresh local secondary still streams from a primary that refuses writes (demoted in place).
 */
class RouterHealthCheckTest {

    /** Generous: the router probes every 200 ms; this only bounds how long a broken test polls. */
    private static final Duration WITHIN = Duration.ofSeconds(30);

    @RegisterExtension
    static final PgRouterSupport env = PgRouterSupport.cluster(false, 4);

    @Test
    void reportsTheRoutersViewThroughFailoverAndFencingWithoutSecrets() throws Exception {
        // Local region b: the standby is the read route while it streams.
        RegionAwareDataSource ds = env.start(PgRouterSupport.fastConfig("region-b").build());
        HealthCheck strict = HealthChecks.regionAwareDataSource(ds, ReadinessPolicy.REQUIRE_WRITABLE);
        HealthCheck degraded = HealthChecks.regionAwareDataSource("database-degraded", ds, ReadinessPolicy.ALLOW_READ_ONLY,
                HealthGroup.READINESS);
        assertEquals("database", strict.name());
        assertEquals(java.util.Set.of(HealthGroup.READINESS), strict.groups(), "liveness never depends on a database");
        List<HealthResult> seen = new ArrayList<>();
        PgNode a = env.db.nodeA();
        PgNode b = env.db.nodeB();

        // Normal operation: writes to a, reads on the fresh standby b.
        awaitData(strict, seen, "up with the standby as read route", d -> "b".equals(d.get("readRoute")));
        HealthResult r = check(strict, seen);
        Map<String, Object> d = r.data();
        assertEquals(HealthStatus.UP, r.status(), r::toString);
        assertEquals(true, d.get("writable"));
        assertEquals(true, d.get("readable"));
        assertEquals("REQUIRE_WRITABLE", d.get("policy"));
        assertEquals("a", d.get("writeEndpoint"));
        assertEquals("PRIMARY", d.get("endpoint.a.role"));
        assertEquals("SECONDARY", d.get("endpoint.b.role"));
        assertEquals(false, d.get("endpoint.a.fenced"));
        assertEquals(false, d.get("endpoint.b.fenced"));
        assertEquals("region-b", d.get("endpoint.b.region"));
        assertEquals(0L, ((Number) d.get("endpoint.a.lagMs")).longValue(), "a primary has no lag");
        assertTrue(d.get("endpoint.b.lagMs") instanceof Number, "a streaming standby's lag is measured: " + d);
        assertFalse(d.containsKey("lastFailover"), "no failover yet: " + d);
        assertEquals(HealthStatus.UP, check(degraded, seen).status());

        // The primary dies: no write route; REQUIRE_WRITABLE turns DOWN.
        a.kill();
        r = awaitData(strict, seen, "DOWN under REQUIRE_WRITABLE", x -> Boolean.FALSE.equals(x.get("writable")));
        assertEquals(HealthStatus.DOWN, r.status(), r::toString);
        r = awaitData(strict, seen, "a seen DOWN", x -> "DOWN".equals(x.get("endpoint.a.role")));
        assertEquals("none", r.data().get("writeEndpoint"));
        assertTrue(r.data().containsKey("noWriteReason"), r::toString);
        assertTrue(r.data().containsKey("endpoint.a.error"), "the failed probe's error is reported: " + r);
        // ALLOW_READ_ONLY follows the read route, whatever it is at the moment: UP exactly when readable.
        HealthResult dr = check(degraded, seen);
        assertEquals(HealthStatus.of(Boolean.TRUE.equals(dr.data().get("readable"))), dr.status(), dr::toString);
        // And what the router does here: the standby stops streaming, its lag turns unknown, it is no read route.
        r = awaitData(strict, seen, "the standby's lag unknown", x -> "unknown".equals(x.get("endpoint.b.lagMs")));
        assertEquals(false, r.data().get("readable"), r::toString);
        assertEquals("none", r.data().get("readRoute"));
        dr = check(degraded, seen);
        assertEquals(HealthStatus.DOWN, dr.status(), "no read route, so even degraded mode is not ready: " + dr);

        // Failover: b takes writes, both checks are UP again, the failover is reported.
        env.db.failover();
        r = awaitData(strict, seen, "UP after failover", x -> Boolean.TRUE.equals(x.get("writable")));
        d = r.data();
        assertEquals(HealthStatus.UP, r.status(), r::toString);
        assertEquals("b", d.get("writeEndpoint"));
        assertEquals("PRIMARY", d.get("endpoint.b.role"));
        assertEquals(true, d.get("readable"));
        assertEquals("b", d.get("readRoute"), "no secondary left: reads go to the primary");
        assertEquals("a -> b", d.get("lastFailover"));
        assertTrue(((Number) d.get("lastFailoverMs")).longValue() >= 0, d::toString);
        assertTrue(d.containsKey("lastFailoverAt"), d::toString);
        assertEquals(HealthStatus.UP, check(degraded, seen).status());

        // The old primary returns on its old timeline: reported fenced; writes stay on b.
        env.db.restartAsStalePrimary(a);
        r = awaitData(strict, seen, "a fenced", x -> Boolean.TRUE.equals(x.get("endpoint.a.fenced")));
        d = r.data();
        assertEquals("PRIMARY", d.get("endpoint.a.role"), "the stale node claims primary: " + d);
        assertEquals(false, d.get("endpoint.b.fenced"));
        assertTrue(((Number) d.get("endpoint.a.epoch")).longValue() < ((Number) d.get("endpoint.b.epoch")).longValue(), d::toString);
        assertEquals("b", d.get("writeEndpoint"));
        assertEquals(HealthStatus.UP, r.status(), r::toString);

        // Nothing secret, nor where the servers are, in anything it reported.
        for (HealthResult x : seen) {
            String text = x.data().toString();
            assertFalse(text.contains(a.password()), "a password in " + text);
            assertFalse(text.contains("jdbc:"), "a JDBC URL in " + text);
            assertFalse(text.contains(a.user() + "@") || text.contains("user=" + a.user()), "a user name in " + text);
        }

        ds.close();
        r = check(strict, seen);
        assertEquals(HealthStatus.DOWN, r.status(), "a closed DataSource is not ready: " + r);
        assertEquals(false, r.data().get("writable"));
    }

    @Test
    void validatesItsArguments() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> HealthChecks.regionAwareDataSource(null, ReadinessPolicy.REQUIRE_WRITABLE));
        assertTrue(e.getMessage().contains("RegionAwareDataSource"), e.getMessage());
    }

    private static HealthResult check(HealthCheck check, List<HealthResult> seen) throws Exception {
        HealthResult r = check.check();
        seen.add(r);
        return r;
    }

    private static HealthResult awaitData(HealthCheck check, List<HealthResult> seen, String what,
                                          java.util.function.Predicate<Map<String, Object>> condition) throws Exception {
        HealthResult[] last = new HealthResult[1];
        await(what, WITHIN, () -> {
            try {
                last[0] = check(check, seen);
            } catch (Exception e) {
                throw new AssertionError(e);
            }
            return condition.test(last[0].data());
        });
        System.out.println(what + ": " + last[0]);
        return last[0];
    }
}
