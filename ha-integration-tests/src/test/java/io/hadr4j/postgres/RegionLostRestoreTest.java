package io.hadr4j.postgres;

import io.hadr4j.core.backup.Expectations;
import io.hadr4j.core.backup.RestoreRequest;
import io.hadr4j.core.backup.VerificationResult;
import io.hadr4j.testkit.PgNode;
import io.hadr4j.core.datasource.Role;
import io.hadr4j.testkit.TwoRegionPostgres;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static io.hadr4j.postgres.BackupTestSupport.processesUnder;
import static io.hadr4j.postgres.BackupTestSupport.switchWalAndAwaitArchived;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The drill's "region lost" case: the primary region and its server are gone, region B was promoted and
 * wrote on a new timeline; a point-in-time restore still works from the base backup taken in region A and
 * the shared archive alone, following the timeline switch.
 */
class RegionLostRestoreTest {
    private static TwoRegionPostgres db;
    private static Path work;

    @BeforeAll
    static void start() throws Exception {
        db = TwoRegionPostgres.builder().regions("centralindia", "southindia").build().start();
        work = BackupTestSupport.workDirectory();
    }

    @AfterAll
    static void stop() {
        if (db != null) {
            db.close();
        }
        PgFiles.deleteTree(work);
    }

    @Test
    void restoresAPointAfterTheFailoverFromTheArchiveWhenThePrimaryRegionIsGone() throws Exception {
        PgNode a = db.nodeA();
        PostgresBackupService service = new PostgresBackupService(BackupTestSupport.config(db, a, work).build());
        a.execute("CREATE TABLE events (id bigint PRIMARY KEY, region text NOT NULL)");
        a.execute("INSERT INTO events SELECT g, 'centralindia' FROM generate_series(1, 100) g");
        service.takeBackup();
        a.execute("INSERT INTO events SELECT g, 'centralindia' FROM generate_series(101, 200) g");
        switchWalAndAwaitArchived(db, a);
        db.awaitReplayed(Duration.ofSeconds(30));

        a.kill(); // region A is lost
        PgNode b = db.failover();
        assertEquals(Role.PRIMARY, b.role());
        assertTrue(b.timeline() > 1);
        b.execute("INSERT INTO events SELECT g, 'southindia' FROM generate_series(201, 300) g");
        Expectations afterFailover = service.capture(b.directDataSource(), List.of("events"));
        b.execute("INSERT INTO events SELECT g, 'southindia, later' FROM generate_series(301, 350) g");
        switchWalAndAwaitArchived(db, b);

        Instant t = afterFailover.capturedAt().orElseThrow();
        try (PostgresRestoredDatabase r = service.restore(RestoreRequest.builder().targetName("region-lost")
                .pointInTime(t).timeout(Duration.ofMinutes(5)).build())) {
            VerificationResult result = service.verify(r, Expectations.builder()
                    .rowCount("events", 300)
                    .query("SELECT count(*) FROM events WHERE region = 'southindia'", "100")
                    .build());
            assertTrue(result.passed(), result.toString());
            VerificationResult captured = service.verify(r, afterFailover);
            assertTrue(captured.passed(), captured.toString());
        }
        assertFalse(a.isRunning());
        assertEquals(350, b.queryForLong("SELECT count(*) FROM events"));
        assertEquals(List.of(), processesUnder(work));
        assertFalse(Files.exists(work.resolve("restored/region-lost")));
    }
}
