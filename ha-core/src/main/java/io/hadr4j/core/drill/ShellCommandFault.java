package io.hadr4j.core.drill;

import io.hadr4j.core.Secrets;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * A fault that a shell command injects ({@code sh -c COMMAND}), with the command's output on this process's
 * console: how a drill acts on a deployment it has no API for ({@code az webapp stop ...}, {@code oci ...}, a
 * runbook script). The fault is injected when the command exits with 0; another exit code, or no exit within
 * {@code timeout} (the command and its children are then killed), fails the step's injection. Without a command
 * (null) the fault is {@link #unavailable()}, and the drill reports its step as not run.
 */
public record ShellCommandFault(String description, String command, Duration timeout) implements Fault {

    public ShellCommandFault {
        Check.that(description != null && !description.isBlank(),
                "a shell command fault needs a description for the report, for example \"stop region A's app\"");
        description = description.trim();
        command = command == null || command.isBlank() ? null : command;
        Check.positive("timeout", timeout, "Duration.ofMinutes(10)");
    }

    /** {@code command} injects what {@code description} says, within ten minutes; a null or blank command makes the fault unavailable. */
    public static ShellCommandFault of(String description, String command) {
        return new ShellCommandFault(description, command, Duration.ofMinutes(10));
    }

    /** This fault with another limit on how long the command may run. */
    public ShellCommandFault withTimeout(Duration timeout) {
        return new ShellCommandFault(description, command, timeout);
    }

    /** The description and the command, masked ({@link Secrets#mask}): a command line may carry a token. */
    @Override
    public String describe() {
        return command == null ? description + " (no command)" : description + ": sh -c '" + Secrets.mask(command) + "'";
    }

    @Override
    public void inject() throws Exception {
        if (command == null) {
            throw new IllegalStateException(unavailable());
        }
        Process p = new ProcessBuilder("sh", "-c", command).inheritIO().start();
        if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
            throw new IllegalStateException("'" + Secrets.mask(command) + "' did not exit within " + timeout + " and was killed");
        }
        if (p.exitValue() != 0) {
            throw new IllegalStateException("'" + Secrets.mask(command) + "' exited with " + p.exitValue());
        }
    }

    @Override
    public String unavailable() {
        return command == null ? "not run: no command given for '" + description + "'" : null;
    }

    /** Masked, as {@link #describe()}. */
    @Override
    public String toString() {
        return "ShellCommandFault[" + describe() + ", timeout " + timeout + "]";
    }
}
