/**
 * PostgreSQL point-in-time restore from base backups ({@code pg_backup_start}/{@code pg_backup_stop}) and
 * the WAL archive, into new local servers: {@link io.hadr4j.core.backup.postgres.PostgresBackupService},
 * configured by {@link io.hadr4j.core.backup.postgres.PostgresBackupConfig}.
 */
package io.hadr4j.core.backup.postgres;
