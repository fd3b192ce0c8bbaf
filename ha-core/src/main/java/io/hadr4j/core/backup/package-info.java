/**
 * Backups and point-in-time restore into a new database, with verification of the restored copy.
 *
 * <pre>{@code
 * BackupService backups = new PostgresBackupService(config);       // or the Azure SQL / OCI implementations
 * Expectations beforeTheIncident = backups.capture(dataSource, List.of("orders"));
 * // ... a bad DELETE happens ...
 * try (RestoredDatabase copy = backups.restore(RestoreRequest.builder()
 *         .targetName("orders-before-delete")
 *         .pointInTime(beforeTheIncident.capturedAt().orElseThrow())
 *         .build())) {
 *     VerificationResult result = backups.verify(copy, beforeTheIncident);
 *     // copy.jdbcUrl(), copy.user(), copy.connect(): read what was lost, copy it back
 * }                                                                 // close() drops the copy
 * }</pre>
 *
 * <p>{@link io.hadr4j.core.backup.BackupService} is the SPI; requests are immutable
 * ({@link io.hadr4j.core.backup.RestoreRequest}) and checked before anything starts; progress goes to a
 * {@link io.hadr4j.core.backup.ProgressListener} and to the log.
 */
package io.hadr4j.core.backup;
