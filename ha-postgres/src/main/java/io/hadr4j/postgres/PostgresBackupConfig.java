package io.hadr4j.postgres;

import javax.sql.DataSource;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * Where a {@link PostgresBackupService} finds the source, its WAL archive and the server binaries, and where
 * it keeps backups and restored servers. Immutable; {@link Builder#build()} checks it and says what to change.
 *
 * <pre>{@code
 * PostgresBackupConfig config = PostgresBackupConfig.custom()
 *         .dataSource(superuserDataSource)                 // backup rights on the source
 *         .dataDirectory(Path.of("/var/lib/postgresql/17/main"))
 *         .walArchive(Path.of("/srv/pg/wal-archive"))       // where archive_command copies WAL segments
 *         .backupDirectory(Path.of("/srv/pg/backups"))
 *         .binDirectory(Path.of("/usr/lib/postgresql/17/bin"))
 *         .restoreDirectory(Path.of("/srv/pg/restored"))
 *         .credentials("postgres", password)               // the source's login, kept by restored copies
 *         .commandPrefix(List.of("sudo", "-u", "postgres"))  // optional: run servers as another user
 *         .build();
 * }</pre>
 */
public final class PostgresBackupConfig {
    private final DataSource dataSource;
    private final Path dataDirectory;
    private final Path walArchive;
    private final Path backupDirectory;
    private final Path binDirectory;
    private final Path restoreDirectory;
    private final String user;
    private final String password;
    private final List<String> commandPrefix;

    private PostgresBackupConfig(Builder b) {
        this.dataSource = b.dataSource;
        this.dataDirectory = b.dataDirectory.toAbsolutePath().normalize();
        this.walArchive = b.walArchive.toAbsolutePath().normalize();
        this.backupDirectory = b.backupDirectory.toAbsolutePath().normalize();
        this.binDirectory = b.binDirectory.toAbsolutePath().normalize();
        this.restoreDirectory = b.restoreDirectory.toAbsolutePath().normalize();
        this.user = b.user;
        this.password = b.password;
        this.commandPrefix = List.copyOf(b.commandPrefix);
    }

    public static Builder custom() {
        return new Builder();
    }

    /** Connections to the source with the rights to run pg_backup_start/pg_backup_stop (a superuser or a role granted them). */
    public DataSource dataSource() {
        return dataSource;
    }

    /** The source server's data directory, on this machine. */
    public Path dataDirectory() {
        return dataDirectory;
    }

    /** The directory the source's archive_command copies WAL segments into. */
    public Path walArchive() {
        return walArchive;
    }

    /** Where base backups are kept, one subdirectory each. */
    public Path backupDirectory() {
        return backupDirectory;
    }

    /** The directory holding the {@code postgres} executable. */
    public Path binDirectory() {
        return binDirectory;
    }

    /**
     * Where restored servers get their directories, one subdirectory each, named by the restore request. The
     * server's user must be able to traverse it; restored files are given the owner of the source's data
     * directory (which needs a root JVM when that is another user, as with a {@code setpriv} prefix).
     */
    public Path restoreDirectory() {
        return restoreDirectory;
    }

    /** The login used to connect to restored copies (a copy keeps the source's roles and passwords). */
    public String user() {
        return user;
    }

    String password() {
        return password;
    }

    /** Words put before the {@code postgres} command, to run restored servers as another user; empty by default. */
    public List<String> commandPrefix() {
        return commandPrefix;
    }

    /** The programs restored servers run from: {@link #binDirectory()}, as the user {@link #commandPrefix()} names. */
    public PgInstallation installation() {
        return new PgInstallation(binDirectory, commandPrefix);
    }

    @Override
    public String toString() {
        return "PostgresBackupConfig[dataDirectory=" + dataDirectory + ", walArchive=" + walArchive + ", backupDirectory="
                + backupDirectory + ", binDirectory=" + binDirectory + ", restoreDirectory=" + restoreDirectory + ", user=" + user
                + ", password=****, commandPrefix=" + commandPrefix + "]";
    }

    public static final class Builder {
        private DataSource dataSource;
        private Path dataDirectory;
        private Path walArchive;
        private Path backupDirectory;
        private Path binDirectory;
        private Path restoreDirectory;
        private String user;
        private String password;
        private List<String> commandPrefix = List.of();

        private Builder() {
        }

        public Builder dataSource(DataSource dataSource) {
            this.dataSource = dataSource;
            return this;
        }

        public Builder dataDirectory(Path dataDirectory) {
            this.dataDirectory = dataDirectory;
            return this;
        }

        public Builder walArchive(Path walArchive) {
            this.walArchive = walArchive;
            return this;
        }

        public Builder backupDirectory(Path backupDirectory) {
            this.backupDirectory = backupDirectory;
            return this;
        }

        public Builder binDirectory(Path binDirectory) {
            this.binDirectory = binDirectory;
            return this;
        }

        public Builder restoreDirectory(Path restoreDirectory) {
            this.restoreDirectory = restoreDirectory;
            return this;
        }

        public Builder credentials(String user, String password) {
            this.user = user;
            this.password = password;
            return this;
        }

        public Builder commandPrefix(List<String> commandPrefix) {
            this.commandPrefix = Objects.requireNonNull(commandPrefix, "commandPrefix: pass List.of() for none");
            return this;
        }

        public PostgresBackupConfig build() {
            if (dataSource == null) {
                throw new IllegalArgumentException("dataSource is missing: give a DataSource that connects to the source as a superuser "
                        + "(or a role allowed to run pg_backup_start and pg_backup_stop)");
            }
            if (dataDirectory == null || !Files.isDirectory(dataDirectory)) {
                throw new IllegalArgumentException("dataDirectory " + dataDirectory + " is not a directory: give the source server's "
                        + "data directory (SHOW data_directory), which must be on this machine");
            }
            if (walArchive == null || !Files.isDirectory(walArchive)) {
                throw new IllegalArgumentException("walArchive " + walArchive + " is not a directory: give the directory the source's "
                        + "archive_command copies WAL segments into (archive_mode = on)");
            }
            requireNotInside("backupDirectory", backupDirectory);
            requireNotInside("restoreDirectory", restoreDirectory);
            if (binDirectory == null || !Files.isExecutable(binDirectory.resolve("postgres"))) {
                throw new IllegalArgumentException("binDirectory " + binDirectory + " holds no executable 'postgres': give the bin "
                        + "directory of a PostgreSQL installation of the source's major version");
            }
            if (user == null || user.isBlank() || password == null) {
                throw new IllegalArgumentException("credentials(user, password) are missing: give the source's login, which restored "
                        + "copies keep, so that the service can connect to them");
            }
            if (commandPrefix.stream().anyMatch(w -> w == null || w.isEmpty())) {
                throw new IllegalArgumentException("commandPrefix " + commandPrefix + " has an empty word");
            }
            return new PostgresBackupConfig(this);
        }

        private void requireNotInside(String what, Path dir) {
            if (dir == null) {
                throw new IllegalArgumentException(what + " is missing: give a directory (it is created when absent)");
            }
            Path abs = dir.toAbsolutePath().normalize();
            if (abs.startsWith(dataDirectory.toAbsolutePath().normalize()) || abs.startsWith(walArchive.toAbsolutePath().normalize())) {
                throw new IllegalArgumentException(what + " " + dir + " is inside the data directory or the WAL archive: put it elsewhere");
            }
        }
    }
}
