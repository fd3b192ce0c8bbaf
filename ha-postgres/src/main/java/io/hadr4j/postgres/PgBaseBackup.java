package io.hadr4j.postgres;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;

/**
 * A base backup of a running server through its backup API, the one sequence hadr4j uses for backups and for
 * new standbys alike: {@code pg_backup_start} (with an immediate checkpoint), a copy of the data directory
 * ({@link PgFiles#copyDataDirectory}), {@code pg_backup_stop}, and the {@code backup_label} and
 * {@code tablespace_map} it returns written into the copy. The copy is then consistent from the stop position on,
 * with the WAL written since the start.
 *
 * @param startLsn  where the backup starts in the WAL, as PostgreSQL writes an LSN
 * @param startTime the server's clock when it started
 * @param stopLsn   the first position at which the copy is consistent
 * @param stopTime  the server's clock when it stopped
 * @param bytes     the size of the copy
 */
public record PgBaseBackup(String startLsn, Instant startTime, String stopLsn, Instant stopTime, long bytes) {

    /** Where the copy has got to: bytes copied so far of the total. */
    @FunctionalInterface
    public interface Progress {
        Progress NONE = (done, total) -> { };

        void copied(long done, long total);
    }

    /**
     * Takes a base backup of the server on {@code connection} (a superuser, or a role allowed to run the backup
     * functions), whose data directory is {@code dataDirectory} on this machine, into {@code target}.
     *
     * @param waitForArchive whether {@code pg_backup_stop} waits until the WAL the backup needs is archived (for a
     *                       backup restored from the archive; a standby streams it from the primary instead)
     */
    public static PgBaseBackup take(Connection connection, String label, Path dataDirectory, Path target, boolean waitForArchive,
                                    Progress progress) throws SQLException, IOException {
        connection.setAutoCommit(true);
        String startLsn;
        Instant startTime;
        try (PreparedStatement st = connection.prepareStatement("SELECT pg_backup_start(?, true)::text, clock_timestamp()")) {
            st.setString(1, label);
            try (ResultSet rs = st.executeQuery()) {
                rs.next();
                startLsn = rs.getString(1);
                startTime = rs.getTimestamp(2).toInstant();
            }
        }
        long total = PgFiles.copyDataDirectory(dataDirectory, null, n -> { });
        progress.copied(0, total);
        PgFiles.copyDataDirectory(dataDirectory, target, n -> progress.copied(n, total));
        try (PreparedStatement st = connection.prepareStatement(
                "SELECT lsn::text, labelfile, spcmapfile, clock_timestamp() FROM pg_backup_stop(?)")) {
            st.setBoolean(1, waitForArchive);
            try (ResultSet rs = st.executeQuery()) {
                rs.next();
                Files.writeString(target.resolve("backup_label"), rs.getString(2));
                String spcmap = rs.getString(3);
                if (spcmap != null && !spcmap.isEmpty()) {
                    Files.writeString(target.resolve("tablespace_map"), spcmap);
                }
                return new PgBaseBackup(startLsn, startTime, rs.getString(1), rs.getTimestamp(4).toInstant(), PgFiles.size(target));
            }
        }
    }
}
