/**
 * PostgreSQL for hadr4j: point-in-time restore from base backups ({@code pg_backup_start}/{@code pg_backup_stop}) and
 * the WAL archive into new local servers ({@link io.hadr4j.postgres.PostgresBackupService}, configured by
 * {@link io.hadr4j.postgres.PostgresBackupConfig}), and the process and file code it shares with ha-testkit: one
 * server process ({@link io.hadr4j.postgres.PgServer}: start, wait, stop with {@code pg_ctl}, kill), one copy of a
 * data directory ({@link io.hadr4j.postgres.PgFiles}), one base-backup sequence ({@link io.hadr4j.postgres.PgBaseBackup}).
 */
package io.hadr4j.postgres;
