package io.hadr4j.postgres;

import io.hadr4j.testkit.PgNode;
import io.hadr4j.testkit.TwoRegionPostgres;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

/** What the backup tests share: a service on a testkit's node, WAL archiving on demand, and leftovers. */
final class BackupTestSupport {
    private BackupTestSupport() {
    }

    /** A work directory the server's user can traverse (restored data directories live under it). */
    static Path workDirectory() throws IOException {
        Path dir = Files.createTempDirectory("hadr4j-backup-test-");
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        return dir;
    }

    /** A service backing up {@code source} of {@code db}, keeping backups and restores under {@code work}. */
    static PostgresBackupConfig.Builder config(TwoRegionPostgres db, PgNode source, Path work) {
        return db.backupConfig(source, work);
    }

    /** Closes the current WAL segment on {@code node} and waits until the archive holds it. */
    static void switchWalAndAwaitArchived(TwoRegionPostgres db, PgNode node) throws InterruptedException {
        String segment = node.queryForString("SELECT pg_walfile_name(pg_switch_wal())");
        Path archived = db.walArchive().resolve(segment);
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (!Files.exists(archived)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("WAL segment " + segment + " was not archived within 60 s");
            }
            Thread.sleep(20);
        }
    }

    /** Names in {@code dir} (empty when it does not exist). */
    static Set<String> entries(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return Set.of();
        }
        try (Stream<Path> s = Files.list(dir)) {
            return new TreeSet<>(s.map(p -> p.getFileName().toString()).toList());
        }
    }

    /** Processes whose command line names something under {@code dir}: servers left running there. */
    static List<ProcessHandle> processesUnder(Path dir) {
        String d = dir.toString();
        return ProcessHandle.allProcesses()
                .filter(p -> p.info().commandLine().map(c -> c.contains(d)).orElse(false)
                        || p.info().arguments().map(a -> String.join(" ", a).contains(d)).orElse(false))
                .toList();
    }
}
