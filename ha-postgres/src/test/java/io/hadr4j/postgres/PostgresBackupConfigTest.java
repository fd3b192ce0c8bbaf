package io.hadr4j.postgres;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import java.util.List;
import java.util.function.UnaryOperator;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postgresql.ds.PGSimpleDataSource;

/** Bad configuration fails when the config is built, and each message says what to change. */
class PostgresBackupConfigTest {
    private static final String PASSWORD = "s3cret-never-shown";

    @TempDir
    Path tmp;
    private Path data;
    private Path wal;
    private Path bin;

    @BeforeEach
    void layout() throws IOException {
        data = Files.createDirectories(tmp.resolve("data"));
        wal = Files.createDirectories(tmp.resolve("wal"));
        bin = Files.createDirectories(tmp.resolve("bin"));
        Path postgres = Files.createFile(bin.resolve("postgres"));
        Files.setPosixFilePermissions(postgres, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    private PostgresBackupConfig.Builder valid() {
        return PostgresBackupConfig.custom().dataSource(new PGSimpleDataSource()).dataDirectory(data).walArchive(wal)
                .backupDirectory(tmp.resolve("backups")).restoreDirectory(tmp.resolve("restores")).binDirectory(bin)
                .credentials("app", PASSWORD);
    }

    private void refused(UnaryOperator<PostgresBackupConfig.Builder> change, String... fragments) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> change.apply(valid()).build());
        for (String f : fragments) {
            assertTrue(e.getMessage().contains(f), "expected '" + f + "' in: " + e.getMessage());
        }
        assertFalse(e.getMessage().contains(PASSWORD), e.getMessage());
    }

    @Test
    void aValidConfigBuildsAndHidesThePassword() {
        PostgresBackupConfig c = valid().build();
        assertEquals(data, c.dataDirectory());
        assertEquals(List.of(), c.commandPrefix());
        assertFalse(c.toString().contains(PASSWORD), c.toString());
        assertTrue(c.toString().contains("password=****"), c.toString());
    }

    @Test
    void everyMissingOrBadValueIsNamedWithWhatToGive() {
        refused(b -> b.dataSource(null), "dataSource is missing", "pg_backup_start");
        refused(b -> b.dataDirectory(null), "dataDirectory null is not a directory", "SHOW data_directory");
        refused(b -> b.dataDirectory(tmp.resolve("absent")), "is not a directory: give the source server's data directory");
        refused(b -> b.walArchive(null), "walArchive null is not a directory", "archive_command");
        refused(b -> b.backupDirectory(null), "backupDirectory is missing: give a directory");
        refused(b -> b.restoreDirectory(null), "restoreDirectory is missing: give a directory");
        refused(b -> b.restoreDirectory(data.resolve("restores")), "restoreDirectory", "is inside the data directory or the WAL archive");
        refused(b -> b.backupDirectory(wal.resolve("b")), "backupDirectory", "is inside the data directory or the WAL archive");
        refused(b -> b.binDirectory(null), "binDirectory null holds no executable 'postgres'");
        refused(b -> b.binDirectory(tmp), "holds no executable 'postgres': give the bin directory of a PostgreSQL installation");
        refused(b -> b.credentials(null, PASSWORD), "credentials(user, password) are missing");
        refused(b -> b.credentials("  ", PASSWORD), "credentials(user, password) are missing");
        refused(b -> b.credentials("app", null), "credentials(user, password) are missing");
        refused(b -> b.commandPrefix(Arrays.asList("setpriv", "")), "has an empty word");
        NullPointerException npe = assertThrows(NullPointerException.class, () -> valid().commandPrefix(null));
        assertEquals("commandPrefix: pass List.of() for none", npe.getMessage());
    }
}
