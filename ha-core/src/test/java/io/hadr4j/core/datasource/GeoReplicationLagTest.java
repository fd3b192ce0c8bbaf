package io.hadr4j.core.datasource;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

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

    @Test
    void serverKeysIgnoreCaseAndTheDnsSuffix() {
        assertEquals("orders-sin/orders", SqlServerDialect.serverKey("Orders-SIN.database.windows.net", "ORDERS"));
        assertEquals("host\\inst/db", SqlServerDialect.serverKey("HOST\\INST", "db"));
    }
}
