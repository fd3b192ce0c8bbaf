package io.hadr4j.core.datasource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.sql.Connection;
import java.sql.Statement;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import io.hadr4j.testkit.PgNode;
import io.hadr4j.testkit.TwoRegionPostgres;

/**
 * A probe whose transaction began while the server was still in recovery, and that reads the server after its
 * promotion: PostgreSQL keeps such a transaction read-only ({@code transaction_read_only} on) although
 * {@code pg_is_in_recovery()} is already false. That is the promoted primary, not a read-only one.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PostgresProbeDuringPromotionTest {

    private static TwoRegionPostgres db;

    @BeforeAll
    static void start() {
        db = TwoRegionPostgres.builder().regions("region-a", "region-b").build().start();
    }

    @AfterAll
    static void stop() {
        if (db != null) db.close();
    }

    @Test
    @Order(1)
    void aProbeWhoseTransactionBeganInRecoveryReadsThePromotedNodeAsPrimary() throws Exception {
        try (Connection c = db.standby().directDataSource().getConnection()) {
            PgNode b = db.standby();
            c.setAutoCommit(false);
            try (Statement st = c.createStatement()) {
                st.execute("SELECT 1"); // the transaction begins on the standby, in recovery
            }
            db.failover();
            try (Statement st = c.createStatement()) {
                st.execute("SELECT 1");
                var rs = st.executeQuery("SELECT pg_is_in_recovery(), current_setting('transaction_read_only')");
                rs.next();
                // The situation this test is about, checked on the server: out of recovery, the transaction read-only.
                assertFalse(rs.getBoolean(1));
                assertEquals("on", rs.getString(2));
            }

            Dialect.Status status = new PostgresDialect().probe(c, 5);

            assertEquals(Role.PRIMARY, status.role(), "the promoted node, probed in a transaction begun in recovery");
            assertEquals(b.timeline(), status.epoch());
            assertFalse(c.getAutoCommit(), "the probe leaves the connection's autocommit as it was");
        }
    }

    @Test
    @Order(2)
    void aPrimaryTurnedReadOnlyInPlaceIsStillReadOnly() throws Exception {
        PgNode a = db.nodeA(); // the first primary, which the first test left alone
        db.demoteInPlace(a);
        try (Connection c = a.directDataSource().getConnection()) {
            assertEquals(Role.READ_ONLY, new PostgresDialect().probe(c, 5).role());
            c.setAutoCommit(false);
            assertEquals(Role.READ_ONLY, new PostgresDialect().probe(c, 5).role(), "also in a transaction");
        }
    }
}
