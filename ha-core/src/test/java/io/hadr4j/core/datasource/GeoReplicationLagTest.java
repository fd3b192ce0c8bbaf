package io.hadr4j.core.datasource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;

import io.hadr4j.core.datasource.TdsServer.Column;
import io.hadr4j.core.datasource.TdsServer.Result;

/**
 * Azure SQL fills {@code replication_lag_sec} of {@code sys.dm_geo_replication_link_status} on the geo-primary only,
 * one row per partner; the geo-secondary's own row has NULL there. Two scripted TDS servers give both servers' rows,
 * as Azure SQL does, to the real mssql-jdbc driver.
 */
class GeoReplicationLagTest {

    static final List<Column> GEO = List.of(Column.nvarchar("role_desc"), Column.integer("replication_lag_sec"),
            Column.nvarchar("partner_server"), Column.nvarchar("partner_database"));

    /** A geo-primary "orders-cin" whose database "orders" has the secondary on "orders-sin", {@code lagSeconds} behind. */
    static void primary(TdsServer s, Integer lagSeconds) {
        s.setServerName("orders-cin/orders");
        s.setReadOnly(false);
        s.answer("dm_geo_replication_link_status", Result.of(GEO, Arrays.asList("PRIMARY", lagSeconds, "orders-sin", "orders")));
    }

    /** The geo-secondary "orders-sin": read-only, and its row (partner: the primary) has no lag. */
    static void secondary(TdsServer s) {
        s.setServerName("orders-sin/orders");
        s.setReadOnly(true);
        s.answer("dm_geo_replication_link_status", Result.of(GEO, Arrays.asList("SECONDARY", null, "orders-cin", "orders")));
    }

    @Test
    void thePrimaryReportsEachPartnersLagAndTheSecondaryKnowsOnlyItsRole() throws Exception {
        try (TdsServer cin = new TdsServer(); TdsServer sin = new TdsServer();
             Connection a = DriverManager.getConnection(cin.url(), "app", "x"); Connection b = DriverManager.getConnection(sin.url(), "app", "x")) {
            primary(cin, 4);
            secondary(sin);
            assertEquals(new Dialect.Status(Role.PRIMARY, null, Duration.ZERO, "orders-cin/orders", Map.of("orders-sin/orders", Duration.ofSeconds(4))),
                    Dialect.SQL_SERVER.probe(a, 5));
            assertEquals(new Dialect.Status(Role.SECONDARY, null, null, "orders-sin/orders"), Dialect.SQL_SERVER.probe(b, 5),
                    "the secondary's replication_lag_sec is NULL: its lag is unknown to itself");

            cin.answer("dm_geo_replication_link_status", Result.of(GEO,
                    Arrays.asList("PRIMARY", 2, "ORDERS-SIN.database.windows.net", "Orders"),
                    Arrays.asList("PRIMARY", null, "orders-weu", "orders"))); // a link still seeding: no lag yet
            assertEquals(Map.of("orders-sin/orders", Duration.ofSeconds(2)), Dialect.SQL_SERVER.probe(a, 5).partnerLag(),
                    "partners are named as they name themselves: lower case, no DNS suffix; a NULL lag is not a lag");
        }
    }

    /**
     * The route decision gives the geo-secondary the lag its primary reports for it: reads in the secondary's region
     * use it while that lag is under maxReadLag, and go to the primary when it is over, or when no primary reports it.
     * (Before, the secondary's own NULL was its lag, and reads never used it.)
     */
    @Test
    void readsUseTheGeoSecondaryWhileThePrimaryReportsItFreshEnough() throws Exception {
        RouterConfig config = RouterConfig.custom().localRegion("southindia").maxReadLag(Duration.ofSeconds(5))
                .probeInterval(Duration.ofMinutes(1)).probeTimeout(Duration.ofSeconds(2)).failoverTimeout(Duration.ofSeconds(2)).build();
        try (TdsServer cin = new TdsServer(); TdsServer sin = new TdsServer();
             HikariDataSource cinPool = pool(cin, "cin"); HikariDataSource sinPool = pool(sin, "sin")) {
            primary(cin, 4);
            secondary(sin);
            try (RegionAwareDataSource ds = RegionAwareDataSource.create(config,
                    Endpoint.of("cin", "centralindia", cinPool), Endpoint.of("sin", "southindia", sinPool))) {
                RouterSnapshot s = ds.snapshot();
                assertEquals("cin", s.writeEndpoint(), s::toString);
                assertEquals(Duration.ofSeconds(4), s.endpoint("sin").lag(), "the primary's row for orders-sin/orders: " + s);
                assertEquals(List.of("sin"), s.readEndpoints(), s::toString);
                assertEquals("sin", readServedBy(ds, cin, sin));

                primary(cin, 30); // the secondary falls behind: over maxReadLag
                ds.probeNow();
                assertEquals(Duration.ofSeconds(30), ds.snapshot().endpoint("sin").lag());
                assertEquals(List.of(), ds.snapshot().readEndpoints(), ds.snapshot()::toString);
                assertEquals("cin", readServedBy(ds, cin, sin));

                primary(cin, 1);
                ds.probeNow();
                assertEquals("sin", readServedBy(ds, cin, sin), ds.snapshot()::toString);

                cin.answer("dm_geo_replication_link_status", new Result(GEO, List.of())); // the link is gone: lag unknown again
                ds.probeNow();
                assertNull(ds.snapshot().endpoint("sin").lag(), ds.snapshot()::toString);
                assertEquals(List.of(), ds.snapshot().readEndpoints());
            }
        }
    }

    @Test
    void onlyAPrimarysReportCountsAndTheLargestWins() {
        Observation secondary = observation(Role.SECONDARY, "orders-sin/orders", Map.of());
        Observation claims = observation(Role.PRIMARY, "orders-cin/orders", Map.of("orders-sin/orders", Duration.ofSeconds(2)));
        Observation stale = observation(Role.PRIMARY, "orders-weu/orders", Map.of("orders-sin/orders", Duration.ofSeconds(9)));
        Observation readOnly = observation(Role.READ_ONLY, "orders-x/orders", Map.of("orders-sin/orders", Duration.ofSeconds(50)));
        assertEquals(Duration.ofSeconds(2), RouteDecision.lagReportedByPrimaries("orders-sin/orders", new Observation[] {secondary, claims, readOnly}));
        assertEquals(Duration.ofSeconds(9), RouteDecision.lagReportedByPrimaries("orders-sin/orders", new Observation[] {secondary, claims, stale}));
        assertNull(RouteDecision.lagReportedByPrimaries("orders-other/orders", new Observation[] {secondary, claims}));
    }

    private static Observation observation(Role role, String server, Map<String, Duration> partnerLag) {
        return new Observation(role, null, role == Role.PRIMARY ? Duration.ZERO : null, server, null, null, null, partnerLag, false);
    }

    /** Runs a read through the read view and says which server received it. */
    private static String readServedBy(RegionAwareDataSource ds, TdsServer cin, TdsServer sin) throws Exception {
        String marker = "SELECT 'read " + System.nanoTime() + "'";
        try (Connection c = ds.readOnly().getConnection(); Statement st = c.createStatement()) {
            st.execute(marker);
        }
        boolean a = cin.batches().contains(marker);
        boolean b = sin.batches().contains(marker);
        assertTrue(a ^ b, "exactly one server got the read");
        return a ? "cin" : "sin";
    }

    private static HikariDataSource pool(TdsServer server, String name) {
        HikariConfig c = new HikariConfig();
        c.setPoolName("pool-" + name);
        c.setJdbcUrl(server.url());
        c.setUsername("app");
        c.setPassword("x");
        c.setMaximumPoolSize(3);
        c.setMinimumIdle(0);
        c.setConnectionTimeout(2000);
        c.setRegisterMbeans(false);
        return new HikariDataSource(c);
    }

    @Test
    void serverKeysIgnoreCaseAndTheDnsSuffix() {
        assertEquals("orders-sin/orders", SqlServerDialect.serverKey("Orders-SIN.database.windows.net", "ORDERS"));
        assertEquals("host\\inst/db", SqlServerDialect.serverKey("HOST\\INST", "db"));
    }
}
