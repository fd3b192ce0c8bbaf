package io.hadr4j.core.backup;

import javax.sql.DataSource;
import java.time.Duration;
import java.util.Collection;
import java.util.List;

/**
 * Backups and point-in-time restore of one source database.
 *
 * <p>A restore never writes over the source: it always creates a <em>new</em> database (a new server, a
 * new Azure SQL database, a new Autonomous Database) and hands back a {@link RestoredDatabase} that says
 * how to connect to it and that removes it again. Requests are checked before anything starts; a time
 * outside {@link #restoreWindow()} or a target that already exists fails with an
 * {@link IllegalArgumentException} that states the valid window. A restore that fails part-way removes
 * what it created.
 *
 * <p>Implementations: PostgreSQL (base backups + WAL archive, {@code io.hadr4j.postgres} in ha-postgres),
 * Azure SQL (ARM point-in-time restore, ha-azure) and OCI Autonomous Database (ha-oci).
 */
public interface BackupService {

    /**
     * The span of time a restore can target now: from the earliest to the latest restorable instant.
     * What bounds it depends on the implementation (oldest base backup and newest archived WAL for
     * PostgreSQL; the retention period of up to 35 days for Azure SQL).
     *
     * @throws IllegalStateException when nothing is restorable yet (for example no backup exists), with
     *                               a message that says what to do
     */
    RestoreWindow restoreWindow();

    /**
     * How much committed data a restore to the latest restorable instant would lose if the source were
     * lost now: the time between the newest restorable point and now.
     */
    Duration achievableRpo();

    /**
     * Takes a full backup now and returns when it is complete and restorable.
     *
     * @throws UnsupportedOperationException when the database only has automatic backups (Azure SQL)
     */
    Backup takeBackup(ProgressListener listener);

    /** {@link #takeBackup(ProgressListener)} without a listener (progress still goes to the log). */
    default Backup takeBackup() {
        return takeBackup(ProgressListener.NONE);
    }

    /**
     * Asks the source to archive what it has written so far, so that the restore window reaches this instant soon
     * (PostgreSQL: {@code pg_switch_wal()}). Does nothing by default: for a service whose window follows the source
     * on its own (Azure SQL, Autonomous Database).
     */
    default void archiveNow() {
    }

    /** The complete backups, oldest first. */
    List<Backup> listBackups();

    /**
     * Restores the source as it was at the request's point in time (or log position) into a new database
     * named by the request, and returns when that database accepts reads and writes. Progress goes to the
     * request's listener and to the log. Implementations over an asynchronous control plane (an ARM
     * long-running operation, an OCI work request) poll it until it completes or the request's timeout passes.
     *
     * @throws IllegalArgumentException when the request cannot be served (outside the window, target
     *                                  exists); nothing has been created then
     * @throws BackupException          when the restore failed part-way; what it created is removed
     */
    RestoredDatabase restore(RestoreRequest request);

    /**
     * Takes the current row count and checksum of each of {@code tables} on a live database (normally the
     * source), with the instant they describe on that database's clock, to later
     * {@link #verify verify} a copy restored to that instant. Capture while the tables are quiet: a commit
     * racing the capture may land on either side.
     */
    Expectations capture(DataSource database, Collection<String> tables);

    /**
     * Checks a restored database against {@code expected}: row counts, checksums and queries. Checksums are
     * computed the same way as by {@link #capture}.
     */
    VerificationResult verify(RestoredDatabase restored, Expectations expected);
}
