package io.hadr4j.postgres;

import io.hadr4j.core.backup.Backup;
import io.hadr4j.core.backup.BackupException;
import io.hadr4j.core.backup.Expectations;
import io.hadr4j.core.backup.Progress;
import io.hadr4j.core.backup.RestoreRequest;
import io.hadr4j.core.backup.RestoreWindow;
import io.hadr4j.core.backup.VerificationResult;
import io.hadr4j.testkit.PgNode;
import io.hadr4j.testkit.TwoRegionPostgres;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;

import static io.hadr4j.postgres.BackupTestSupport.entries;
import static io.hadr4j.postgres.BackupTestSupport.processesUnder;
import static io.hadr4j.postgres.BackupTestSupport.switchWalAndAwaitArchived;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Point-in-time restore on a real PostgreSQL primary with a WAL archive: one testkit for the class, one
 * base backup taken at the start, every restore into its own new server.
 */
class PostgresPointInTimeRestoreTest {
    private static TwoRegionPostgres db;
    private static PgNode source;
    private static Path work;
    private static PostgresBackupService service;
    private static Backup firstBackup;

    @BeforeAll
    static void start() throws Exception {
        db = TwoRegionPostgres.builder().build().start();
        source = db.nodeA();
        work = BackupTestSupport.workDirectory();
        service = new PostgresBackupService(BackupTestSupport.config(db, source, work).build());
        source.execute("CREATE TABLE orders (id bigint PRIMARY KEY, note text NOT NULL)");
        source.execute("INSERT INTO orders SELECT g, 'order ' || g FROM generate_series(1, 500) g");
        source.execute("CREATE TABLE notes (id serial PRIMARY KEY, note text NOT NULL)"); // for tests other than the bad delete's
        firstBackup = service.takeBackup();
    }

    @AfterAll
    static void stop() {
        if (db != null) {
            db.close();
        }
        PgFiles.deleteTree(work);
    }

    private static Path restoreRoot() {
        return service.config().restoreDirectory();
    }

    private static RestoreRequest.Builder request(String name, Instant t) {
        return RestoreRequest.builder().targetName(name).pointInTime(t).timeout(Duration.ofMinutes(5));
    }

    @Test
    void restoresExactlyTheRowsOfAPointInTimeBeforeABadDeleteAndLeavesTheSourceAsItIs() throws Exception {
        source.execute("INSERT INTO orders SELECT g, 'order ' || g FROM generate_series(501, 1000) g");
        Expectations atT = service.capture(source.directDataSource(), List.of("orders"));
        Instant t = atT.capturedAt().orElseThrow();
        source.execute("DELETE FROM orders WHERE id % 3 = 0"); // the bad delete: 333 rows
        source.execute("INSERT INTO orders SELECT g, 'late ' || g FROM generate_series(1001, 1100) g");
        switchWalAndAwaitArchived(db, source);

        List<Progress> events = new CopyOnWriteArrayList<>();
        PostgresRestoredDatabase restored;
        try (PostgresRestoredDatabase r = service.restore(request("before-bad-delete", t).progressListener(events::add).build())) {
            restored = r;
            VerificationResult ok = service.verify(r, atT);
            assertTrue(ok.passed(), ok.toString());
            assertEquals(2, ok.checked());
            VerificationResult byQuery = service.verify(r, Expectations.builder()
                    .query("SELECT count(*) FROM orders WHERE id % 3 = 0", "333")
                    .query("SELECT max(id) FROM orders", "1000").build());
            assertTrue(byQuery.passed(), byQuery.toString());

            // The later state does not match the restored copy, and the result says where and how.
            Expectations now = service.capture(source.directDataSource(), List.of("orders"));
            VerificationResult bad = service.verify(r, now);
            assertFalse(bad.passed());
            assertEquals(2, bad.mismatches().size(), bad.toString());
            VerificationResult.Mismatch count = bad.mismatches().get(0);
            assertEquals(Expectations.Kind.ROW_COUNT, count.expectation().kind());
            assertEquals("767", count.expectation().expected());
            assertEquals("1000", count.actual());
            assertTrue(bad.toString().contains("row count of orders: expected 767, actual 1000"), bad.toString());

            // A new, promoted, writable server; the password shows nowhere.
            try (Connection c = r.connect(); Statement st = c.createStatement()) {
                st.execute("INSERT INTO orders VALUES (5000, 'written on the restored copy')");
            }
            assertFalse(r.toString().contains(source.password()), r.toString());
            assertFalse(service.toString().contains(source.password()), service.toString());
            assertTrue(r.jdbcUrl().startsWith("jdbc:postgresql://127.0.0.1:"), r.jdbcUrl());
            assertNotEquals(source.port(), r.port());
            assertTrue(r.isRunning());
        }

        // The source keeps the later state, and the restored server archived nothing into its archive.
        assertEquals(767, source.queryForLong("SELECT count(*) FROM orders"));
        assertEquals(0, source.queryForLong("SELECT count(*) FROM orders WHERE id = 5000"));
        try (Stream<Path> s = Files.list(db.walArchive())) {
            assertEquals(List.of(), s.filter(p -> p.toString().endsWith(".history")).toList());
        }

        // close() dropped it: no server, no files.
        assertFalse(restored.isRunning());
        assertFalse(Files.exists(restored.directory()));
        assertEquals(List.of(), processesUnder(restoreRoot()));

        // Progress: the copy up to 100 %, WAL replayed, done.
        assertTrue(events.stream().allMatch(e -> e.operation() == Progress.Operation.RESTORE
                && e.target().equals("before-bad-delete")), events.toString());
        assertTrue(events.stream().anyMatch(e -> e.phase().equals("copy") && e.percent() == 100), events.toString());
        assertTrue(events.stream().anyMatch(e -> e.phase().equals("replay") && e.bytesDone() > 0), events.toString());
        assertEquals("done", events.get(events.size() - 1).phase());
    }

    @Test
    void backupReportsProgressAndIsListedWithItsManifest() {
        List<Progress> events = new CopyOnWriteArrayList<>();
        Backup second = service.takeBackup(events::add);

        assertTrue(events.stream().allMatch(e -> e.operation() == Progress.Operation.BACKUP && e.target().equals(second.id())));
        assertTrue(events.stream().anyMatch(e -> e.phase().equals("copy") && e.bytesDone() > 0 && e.bytesTotal() > 0), events.toString());
        assertEquals("done", events.get(events.size() - 1).phase());
        assertEquals(second.sizeBytes(), events.get(events.size() - 1).bytesDone());

        List<Backup> backups = service.listBackups();
        assertEquals(firstBackup, backups.get(0));
        assertEquals(second, backups.get(backups.size() - 1));
        assertTrue(second.sizeBytes() > 1 << 20, second.toString());
        assertTrue(second.stopTime().isAfter(second.startTime()), second.toString());
        assertTrue(second.startPosition().matches("[0-9A-F]+/[0-9A-F]+"), second.startPosition());
        assertTrue(second.stopPosition().matches("[0-9A-F]+/[0-9A-F]+"), second.stopPosition());
        assertTrue(Files.isRegularFile(service.config().backupDirectory().resolve(second.id()).resolve("data/backup_label")));
        // The oldest backup still bounds the window.
        assertEquals(firstBackup.stopTime(), service.restoreWindow().earliest());
    }

    @Test
    void windowRunsFromTheOldestBackupToTheNewestArchivedSegmentAndRpoIsMeasuredFromThere() throws Exception {
        source.execute("INSERT INTO notes (note) VALUES ('for the window')");
        switchWalAndAwaitArchived(db, source);
        Instant newestSegment;
        try (Stream<Path> s = Files.list(db.walArchive())) {
            newestSegment = s.filter(p -> p.getFileName().toString().matches("[0-9A-F]{24}"))
                    .map(p -> {
                        try {
                            return Files.getLastModifiedTime(p);
                        } catch (IOException e) {
                            throw new java.io.UncheckedIOException(e);
                        }
                    }).max(FileTime::compareTo).orElseThrow().toInstant();
        }
        Instant before = Instant.now();
        RestoreWindow window = service.restoreWindow();
        Duration rpo = service.achievableRpo();
        Instant after = Instant.now();

        assertEquals(firstBackup.stopTime(), window.earliest());
        assertEquals(newestSegment, window.latest());
        assertTrue(rpo.compareTo(Duration.between(newestSegment, before)) >= 0, rpo.toString());
        assertTrue(rpo.compareTo(Duration.between(newestSegment, after)) <= 0, rpo.toString());
    }

    @Test
    void theLatestInstantOfTheWindowIsRestorableEvenWithNoCommitAfterIt() throws Exception {
        source.execute("INSERT INTO notes (note) VALUES ('last before the end of the archive')");
        Expectations last = service.capture(source.directDataSource(), List.of("notes"));
        switchWalAndAwaitArchived(db, source);
        Instant latest = service.restoreWindow().latest();
        assertTrue(latest.isAfter(last.capturedAt().orElseThrow()));

        // The archive holds no commit after 'latest': PostgreSQL ends recovery short of the target, and the
        // service recovers to the end of the archive instead, which is the state at 'latest'.
        try (PostgresRestoredDatabase r = service.restore(request("at-the-latest", latest).build())) {
            VerificationResult result = service.verify(r, last);
            assertTrue(result.passed(), result.toString());
            assertTrue(r.tail(500).contains(PostgresRestoredDatabase.TARGET_MISSED), "expected the fallback to be exercised");
        }
        assertEquals(List.of(), processesUnder(restoreRoot()));
    }

    @Test
    void restoresUpToALogPositionAndRefusesPositionsOutsideTheArchive() throws Exception {
        source.execute("CREATE TABLE ledger (id bigint PRIMARY KEY, amount numeric NOT NULL)");
        source.execute("INSERT INTO ledger SELECT g, g * 1.5 FROM generate_series(1, 100) g");
        Expectations before = service.capture(source.directDataSource(), List.of("ledger"));
        String position = source.queryForString("SELECT pg_current_wal_lsn()::text");
        source.execute("DELETE FROM ledger WHERE id <= 50");
        switchWalAndAwaitArchived(db, source);

        try (PostgresRestoredDatabase r = service.restore(RestoreRequest.builder().targetName("at-a-position")
                .logPosition(position).timeout(Duration.ofMinutes(5)).build())) {
            assertEquals("log position " + position, r.restorePoint());
            VerificationResult result = service.verify(r, before);
            assertTrue(result.passed(), result.toString());
        }
        assertEquals(50, source.queryForLong("SELECT count(*) FROM ledger"));

        Set<String> leftBefore = entries(restoreRoot());
        IllegalArgumentException beyond = assertThrows(IllegalArgumentException.class, () -> service.restore(RestoreRequest.builder()
                .targetName("beyond").logPosition("FF/0").build()));
        assertTrue(beyond.getMessage().startsWith("restore position FF/0 is outside the restorable log positions ["
                + firstBackup.stopPosition() + ", "), beyond.getMessage());
        assertTrue(beyond.getMessage().endsWith("]; choose a position in it"), beyond.getMessage());
        IllegalArgumentException notAnLsn = assertThrows(IllegalArgumentException.class, () -> service.restore(RestoreRequest.builder()
                .targetName("not-an-lsn").logPosition("12345").build()));
        assertTrue(notAnLsn.getMessage().contains("is not a PostgreSQL LSN"), notAnLsn.getMessage());
        IllegalArgumentException both = assertThrows(IllegalArgumentException.class, () -> RestoreRequest.builder()
                .targetName("both").logPosition(position).pointInTime(Instant.now()).build());
        assertTrue(both.getMessage().endsWith("set only one of them"), both.getMessage());
        assertEquals(leftBefore, entries(restoreRoot()));
        assertEquals(List.of(), processesUnder(restoreRoot()));
    }

    @Test
    void aTimeInTheFutureIsRefusedWithTheWindowAndNothingStarts() throws Exception {
        Set<String> before = entries(restoreRoot());
        Instant future = Instant.now().plus(Duration.ofHours(1));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> service.restore(request("from-the-future", future).build()));
        RestoreWindow window = service.restoreWindow();
        assertTrue(e.getMessage().contains("restore point " + future + " is in the future"), e.getMessage());
        assertTrue(e.getMessage().contains("outside the restore window [" + window.earliest() + ", "), e.getMessage());
        assertTrue(e.getMessage().endsWith("choose a time in it"), e.getMessage());
        assertEquals(before, entries(restoreRoot()));
        assertEquals(List.of(), processesUnder(restoreRoot()));
    }

    @Test
    void aTimeBeforeTheOldestBackupIsRefusedWithTheWindowAndNothingStarts() throws Exception {
        Set<String> before = entries(restoreRoot());
        RestoreWindow window = service.restoreWindow();
        Instant tooEarly = window.earliest().minusSeconds(1);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> service.restore(request("too-early", tooEarly).build()));
        assertEquals("restore point " + tooEarly + " is outside the restore window " + window + "; choose a time in it", e.getMessage());
        assertEquals(before, entries(restoreRoot()));
        assertEquals(List.of(), processesUnder(restoreRoot()));
    }

    @Test
    void anExistingTargetIsRefusedAndLeftAsItWas() throws Exception {
        Path taken = Files.createDirectories(restoreRoot().resolve("taken"));
        Files.writeString(taken.resolve("keep-me"), "someone else's");
        try {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> service.restore(request("taken", service.restoreWindow().earliest()).build()));
            assertTrue(e.getMessage().startsWith("restore target 'taken' already exists"), e.getMessage());
            assertEquals(Set.of("keep-me"), entries(taken));
            assertEquals(List.of(), processesUnder(restoreRoot()));
        } finally {
            PgFiles.deleteTree(taken);
        }
    }

    @Test
    void withoutABackupNothingIsRestorableAndTheMessageSaysWhatToDo() throws Exception {
        Path empty = BackupTestSupport.workDirectory();
        try {
            PostgresBackupService none = new PostgresBackupService(BackupTestSupport.config(db, source, empty).build());
            IllegalStateException w = assertThrows(IllegalStateException.class, none::restoreWindow);
            assertTrue(w.getMessage().contains("take one with takeBackup()"), w.getMessage());
            IllegalArgumentException r = assertThrows(IllegalArgumentException.class,
                    () -> none.restore(request("nothing", Instant.now().minusSeconds(1)).build()));
            assertTrue(r.getMessage().contains("there is no base backup"), r.getMessage());
            assertEquals(Set.of(), entries(empty));
        } finally {
            PgFiles.deleteTree(empty);
        }
    }

    @Test
    void aRestoreThatFailsPartWayRemovesWhatItStarted() throws Exception {
        // A "postgres" that dies at once: the restore fails after copying the backup.
        Path fakeBin = Files.createDirectories(work.resolve("fake-bin"));
        Path fake = fakeBin.resolve("postgres");
        Files.writeString(fake, "#!/bin/sh\necho 'FATAL: simulated crash during recovery'\nexit 3\n");
        fake.toFile().setExecutable(true, false);
        fakeBin.toFile().setExecutable(true, false);
        PostgresBackupService broken = new PostgresBackupService(BackupTestSupport.config(db, source, work)
                .binDirectory(fakeBin).build());
        Set<String> before = entries(restoreRoot());

        BackupException e = assertThrows(BackupException.class,
                () -> broken.restore(request("crashes", service.restoreWindow().earliest()).build()));

        assertTrue(e.getMessage().contains("simulated crash during recovery"), e.getMessage());
        assertTrue(e.getMessage().contains("was removed, the source was not touched"), e.getMessage());
        assertFalse(e.getMessage().contains(source.password()), e.getMessage());
        assertEquals(before, entries(restoreRoot()));
        assertEquals(List.of(), processesUnder(restoreRoot()));
        assertEquals(1, source.queryForLong("SELECT 1"));
    }

    @Test
    void aLoginTheRestoredCopyRefusesFailsTheRestoreAtOnceWithTheErrorAsItsCause() throws Exception {
        // The copy keeps the source's roles and passwords: a wrong password can never log in, however long one waits.
        PostgresBackupService wrong = new PostgresBackupService(BackupTestSupport.config(db, source, work)
                .credentials(source.user(), "not-" + source.password()).build());
        Set<String> before = entries(restoreRoot());

        BackupException e = assertThrows(BackupException.class, () -> wrong.restore(request("wrong-password",
                service.restoreWindow().earliest()).timeout(Duration.ofMinutes(30)).build()));

        assertTrue(e.getMessage().contains("refused the connection during recovery"), e.getMessage());
        assertTrue(e.getMessage().contains("password authentication failed"), e.getMessage());
        Throwable cause = e;
        while (cause != null && !(cause instanceof java.sql.SQLException)) {
            cause = cause.getCause();
        }
        assertTrue(cause != null && "28P01".equals(((java.sql.SQLException) cause).getSQLState()), "the login error is the cause: " + e);
        assertFalse(e.getMessage().contains(source.password()), e.getMessage());
        assertEquals(before, entries(restoreRoot()));
        assertEquals(List.of(), processesUnder(restoreRoot()));
    }

    @Test
    void badRequestsAndConfigsFailAtBuildTimeSayingWhatToChange() {
        IllegalArgumentException name = assertThrows(IllegalArgumentException.class,
                () -> RestoreRequest.builder().targetName("Bad Name").pointInTime(Instant.now()).build());
        assertTrue(name.getMessage().contains("targetName 'Bad Name' is not valid"), name.getMessage());
        IllegalArgumentException time = assertThrows(IllegalArgumentException.class,
                () -> RestoreRequest.builder().targetName("ok").build());
        assertTrue(time.getMessage().startsWith("pointInTime is missing"), time.getMessage());
        IllegalArgumentException timeout = assertThrows(IllegalArgumentException.class,
                () -> request("ok", Instant.now()).timeout(Duration.ZERO).build());
        assertTrue(timeout.getMessage().startsWith("timeout must be positive"), timeout.getMessage());

        IllegalArgumentException bin = assertThrows(IllegalArgumentException.class,
                () -> BackupTestSupport.config(db, source, work).binDirectory(work).build());
        assertTrue(bin.getMessage().contains("holds no executable 'postgres'"), bin.getMessage());
        IllegalArgumentException inside = assertThrows(IllegalArgumentException.class,
                () -> BackupTestSupport.config(db, source, work).backupDirectory(db.walArchive().resolve("b")).build());
        assertTrue(inside.getMessage().contains("is inside the data directory or the WAL archive"), inside.getMessage());
        IllegalArgumentException table = assertThrows(IllegalArgumentException.class,
                () -> service.capture(source.directDataSource(), List.of("orders; DROP TABLE orders")));
        assertTrue(table.getMessage().contains("is not a plain table name"), table.getMessage());
        assertEquals(1, source.queryForLong("SELECT count(*) FROM pg_tables WHERE tablename = 'orders'"));
    }
}
