package io.hadr4j.postgres;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Comparator;
import java.util.Set;
import java.util.function.LongConsumer;

/**
 * The file work around a PostgreSQL data directory: copying one while its server runs (for a base backup or a
 * standby), copying a backup's copy into a new data directory, handing a tree to the server's user, deleting it.
 */
public final class PgFiles {
    private static final Logger log = LoggerFactory.getLogger(PgFiles.class);

    /**
     * Files at the top of a data directory that a copy for a base backup leaves out: the running server's state
     * ({@code postmaster.pid}, {@code postmaster.opts}, {@code current_logfiles}), what {@code pg_backup_stop}
     * hands back instead ({@code backup_label}, {@code tablespace_map}) and the signals that would make the copy
     * start as a standby or in recovery. {@code postgresql.auto.conf} is kept, as {@code pg_basebackup} keeps it:
     * whoever starts the copy appends or writes its own settings there.
     */
    static final Set<String> SKIP_FILES = Set.of("postmaster.pid", "postmaster.opts", "backup_label", "backup_label.old",
            "tablespace_map", "standby.signal", "recovery.signal", "current_logfiles");
    /** Directories of a data directory whose contents a base backup leaves out (WAL comes from the archive or the primary). */
    static final Set<String> EMPTY_DIRS = Set.of("pg_wal", "pg_replslot", "pg_dynshmem", "pg_notify", "pg_serial",
            "pg_snapshots", "pg_stat_tmp", "pg_subtrans");

    private PgFiles() {
    }

    /**
     * Copies the data directory of a running server into {@code to} (or only counts its bytes when {@code to} is
     * null), leaving out what a base backup must not contain ({@link #SKIP_FILES}, the contents of
     * {@link #EMPTY_DIRS}, temporary files). A file the server drops while the copy runs is left out too: WAL
     * replay recreates it. Reports the bytes copied so far; returns them all.
     */
    public static long copyDataDirectory(Path from, Path to, LongConsumer copied) throws IOException {
        return copy(from, to, true, copied);
    }

    /** Copies a whole tree (a backup's copy into a new data directory), or only counts its bytes when {@code to} is null. */
    public static long copyTree(Path from, Path to, LongConsumer copied) throws IOException {
        return copy(from, to, false, copied);
    }

    /** The bytes of the files under {@code dir}. */
    public static long size(Path dir) throws IOException {
        return copy(dir, null, false, n -> { });
    }

    private static long copy(Path from, Path to, boolean asBaseBackup, LongConsumer copied) throws IOException {
        long[] bytes = {0};
        Files.walkFileTree(from, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
                Path rel = from.relativize(dir);
                if (to != null) {
                    Files.createDirectories(to.resolve(rel.toString()));
                }
                if (asBaseBackup && rel.getNameCount() == 1 && EMPTY_DIRS.contains(rel.toString())) {
                    if (to != null && rel.toString().equals("pg_wal")) {
                        Files.createDirectories(to.resolve("pg_wal/archive_status"));
                    }
                    return FileVisitResult.SKIP_SUBTREE;
                }
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Path rel = from.relativize(file);
                String name = file.getFileName().toString();
                if (asBaseBackup && ((rel.getNameCount() == 1 && SKIP_FILES.contains(name)) || name.startsWith("pgsql_tmp"))) {
                    return FileVisitResult.CONTINUE;
                }
                try {
                    if (to != null) {
                        Files.copy(file, to.resolve(rel.toString()), StandardCopyOption.REPLACE_EXISTING);
                    }
                    bytes[0] += attrs.size();
                    copied.accept(bytes[0]);
                } catch (NoSuchFileException gone) {
                    // dropped by the server while copying: WAL replay takes care of it
                }
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path file, IOException exc) throws IOException {
                if (exc instanceof NoSuchFileException) {
                    return FileVisitResult.CONTINUE;
                }
                throw exc;
            }
        });
        if (to != null) {
            Files.setPosixFilePermissions(to, PosixFilePermissions.fromString("rwx------")); // the server refuses a more open data directory
        }
        return bytes[0];
    }

    /**
     * Gives every file of the tree to uid:gid (the server's user) that is not theirs already; changing an owner
     * needs a root JVM, which is when the server's user differs from this JVM's.
     */
    public static void chown(Path root, int uid, int gid) throws IOException {
        try (var paths = Files.walk(root)) {
            for (Path p : (Iterable<Path>) paths::iterator) {
                if ((Integer) Files.getAttribute(p, "unix:uid", LinkOption.NOFOLLOW_LINKS) != uid) {
                    Files.setAttribute(p, "unix:uid", uid, LinkOption.NOFOLLOW_LINKS);
                }
                if ((Integer) Files.getAttribute(p, "unix:gid", LinkOption.NOFOLLOW_LINKS) != gid) {
                    Files.setAttribute(p, "unix:gid", gid, LinkOption.NOFOLLOW_LINKS);
                }
            }
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }

    /** Deletes the tree, as far as it can: a file that cannot be deleted is logged and left. */
    public static void deleteTree(Path root) {
        if (root == null || !Files.exists(root, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (var paths = Files.walk(root)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    log.warn("could not delete {}: {}", p, e.getMessage());
                }
            });
        } catch (IOException | UncheckedIOException e) {
            log.warn("could not delete {}: {}", root, e.getMessage());
        }
    }
}
