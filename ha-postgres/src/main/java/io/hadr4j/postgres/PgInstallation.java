package io.hadr4j.postgres;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Where a PostgreSQL installation's programs are ({@code postgres}, {@code pg_ctl}, {@code initdb}), and the
 * words put before each of them to run it as the server's user ({@code setpriv --reuid=...} or
 * {@code sudo -u postgres} when this JVM runs as root, which PostgreSQL refuses; empty otherwise).
 */
public record PgInstallation(Path binDirectory, List<String> runAsPrefix) {

    public PgInstallation {
        if (binDirectory == null) {
            throw new IllegalArgumentException("binDirectory is missing: give the bin directory of a PostgreSQL installation");
        }
        if (runAsPrefix == null || runAsPrefix.stream().anyMatch(w -> w == null || w.isEmpty())) {
            throw new IllegalArgumentException("runAsPrefix " + runAsPrefix + " has an empty word; pass List.of() for none");
        }
        binDirectory = binDirectory.toAbsolutePath().normalize();
        runAsPrefix = List.copyOf(runAsPrefix);
    }

    /** The programs in {@code binDirectory}, run as this JVM's user. */
    public static PgInstallation at(Path binDirectory) {
        return new PgInstallation(binDirectory, List.of());
    }

    public Path program(String name) {
        return binDirectory.resolve(name);
    }

    /** Whether the installation has the program (the embedded binaries have postgres, initdb and pg_ctl; a minimal one may lack pg_ctl). */
    public boolean has(String name) {
        return Files.isExecutable(program(name));
    }

    /** The command line that runs {@code program} with {@code args}, as the server's user. */
    public List<String> command(String program, String... args) {
        List<String> cmd = new ArrayList<>(runAsPrefix);
        cmd.add(program(program).toString());
        cmd.addAll(List.of(args));
        return cmd;
    }

    /**
     * Runs a short command and returns its output (standard output and error together); fails with that output
     * when it exits with another code than 0, and kills it when it has not exited after {@code timeoutSeconds}.
     */
    public static String run(List<String> command, int timeoutSeconds) {
        Path output = null;
        try {
            output = Files.createTempFile("hadr4j-pg-command-", ".out");
            Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile()).start();
            p.getOutputStream().close();
            if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
                throw new IllegalStateException("timed out after " + timeoutSeconds + " s: " + String.join(" ", command));
            }
            String text = Files.readString(output, StandardCharsets.UTF_8);
            if (p.exitValue() != 0) {
                throw new IllegalStateException("'" + String.join(" ", command) + "' exited with " + p.exitValue() + ":\n" + text);
            }
            return text;
        } catch (IOException e) {
            throw new UncheckedIOException("could not run " + command.get(0), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running " + command.get(0), e);
        } finally {
            if (output != null) {
                output.toFile().delete();
            }
        }
    }
}
