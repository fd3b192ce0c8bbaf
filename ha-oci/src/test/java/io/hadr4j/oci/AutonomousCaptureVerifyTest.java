package io.hadr4j.oci;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.hadr4j.core.backup.Expectations;
import io.hadr4j.core.backup.RestoredDatabase;
import io.hadr4j.core.backup.VerificationResult;
import io.hadr4j.testkit.PgNode;
import io.hadr4j.testkit.TwoRegionPostgres;

/**
 * capture and verify of the Autonomous Database backup service use plain JDBC only; here on a real database: the
 * testkit's primary is the source and its streaming standby stands in for the restored copy.
 */
class AutonomousCaptureVerifyTest {

    private static TwoRegionPostgres db;
    private static AutonomousBackupService service;

    @BeforeAll
    static void start() {
        db = TwoRegionPostgres.builder().regions("region-a", "region-b").build().start();
        db.primary().execute("CREATE TABLE orders (id int PRIMARY KEY, amount numeric(10,2), note text)");
        db.primary().execute("CREATE TABLE audit_log (at text, what text)"); // no primary key
        db.primary().execute("INSERT INTO orders SELECT g, g * 1.5, CASE WHEN g % 3 = 0 THEN NULL ELSE 'n' || g END FROM generate_series(1, 500) g");
        db.primary().execute("INSERT INTO audit_log SELECT 't' || (g % 7), 'w' || g FROM generate_series(1, 50) g");
        service = new AutonomousBackupService(AutonomousBackupConfig.custom()
                .connection(OciConnection.custom().authentication(new TestKeys().provider()).endpoint("http://127.0.0.1:1").build())
                .autonomousDatabaseId("ocid1.autonomousdatabase.oc1.eu-frankfurt-1.unused")
                .adminPasswordSecretId("ocid1.vaultsecret.oc1.eu-frankfurt-1.unused").build());
    }

    @AfterAll
    static void stop() {
        if (service != null) service.close();
        if (db != null) db.close();
    }

    private static RestoredDatabase copy(PgNode node) {
        return new RestoredDatabase() {
            public String name() { return "standby-as-copy"; }
            public String restorePoint() { return "now"; }
            public String jdbcUrl() { return node.jdbcUrl(); }
            public String user() { return node.user(); }
            public Connection connect() throws SQLException { return node.dataSource().getConnection(); }
            public void drop() { }
        };
    }

    @Test
    void aCopyWithTheSameRowsVerifiesAndOneThatDiffersDoesNot() {
        Expectations before = service.capture(db.primary().dataSource(), List.of("orders", "audit_log"));
        assertTrue(before.capturedAt().isPresent());
        assertEquals(4, before.items().size());
        db.awaitReplayed(Duration.ofSeconds(30));
        VerificationResult same = service.verify(copy(db.standby()), before);
        assertTrue(same.passed(), same.toString());
        assertEquals(4, same.checked());

        db.primary().execute("UPDATE orders SET note = 'changed' WHERE id = 250");
        db.primary().execute("INSERT INTO audit_log VALUES ('t9', 'late')");
        db.awaitReplayed(Duration.ofSeconds(30));
        VerificationResult differs = service.verify(copy(db.standby()), before);
        assertFalse(differs.passed());
        assertEquals(List.of("checksum of orders", "row count of audit_log", "checksum of audit_log"),
                differs.mismatches().stream().map(m -> m.expectation().toString()).toList());
    }
}
