package io.hadr4j.postgres;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/** The one copy of a data directory: what a base backup and a new standby leave out, and what they keep. */
class PgFilesTest {

    @Test
    void aBaseBackupCopyLeavesOutTheServersStateWalAndSignalsAndKeepsTheRest(@TempDir Path dir) throws IOException {
        Path data = dir.resolve("data");
        for (String f : List.of("PG_VERSION", "postgresql.conf", "postgresql.auto.conf", "pg_hba.conf", "base/1/1259", "base/1/pgsql_tmp123",
                "global/pg_control", "pg_wal/000000010000000000000001", "pg_wal/archive_status/000000010000000000000001.done",
                "pg_replslot/s/state", "pg_stat_tmp/db_0.stat", "pg_subtrans/0000", "postmaster.pid", "postmaster.opts",
                "backup_label", "backup_label.old", "tablespace_map", "standby.signal", "recovery.signal", "current_logfiles",
                "base/1/backup_label")) {
            Files.createDirectories(data.resolve(f).getParent());
            Files.writeString(data.resolve(f), f);
        }
        Files.createDirectories(data.resolve("pg_notify"));

        List<Long> progress = new ArrayList<>();
        long copied = PgFiles.copyDataDirectory(data, dir.resolve("copy"), progress::add);

        assertEquals(new TreeSet<>(Set.of("PG_VERSION", "postgresql.conf", "postgresql.auto.conf", "pg_hba.conf", "base/1/1259",
                "global/pg_control", "base/1/backup_label", "pg_wal/archive_status/", "pg_replslot/", "pg_stat_tmp/", "pg_subtrans/",
                "pg_notify/")), tree(dir.resolve("copy")), "only files below the top are kept whatever their name");
        assertEquals(copied, PgFiles.copyDataDirectory(data, null, n -> { }), "counting copies nothing and says the same");
        assertEquals(copied, progress.get(progress.size() - 1));
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("copy"))),
                "PostgreSQL refuses a data directory others can read");

        PgFiles.copyTree(data, dir.resolve("whole"), n -> { });
        assertEquals(PgFiles.size(data), PgFiles.size(dir.resolve("whole")), "a plain copy keeps everything");
        PgFiles.deleteTree(dir.resolve("whole"));
        assertFalse(Files.exists(dir.resolve("whole")));
    }

    /** Files relative to {@code root}, and directories that hold no file, with a trailing slash. */
    private static Set<String> tree(Path root) throws IOException {
        Set<String> out = new TreeSet<>();
        try (Stream<Path> s = Files.walk(root)) {
            for (Path p : (Iterable<Path>) s::iterator) {
                String rel = root.relativize(p).toString();
                if (Files.isRegularFile(p)) {
                    out.add(rel);
                } else if (!p.equals(root)) {
                    try (Stream<Path> children = Files.list(p)) {
                        if (children.findAny().isEmpty()) {
                            out.add(rel + "/");
                        }
                    }
                }
            }
        }
        return out;
    }
}
