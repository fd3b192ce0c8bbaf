package io.hadr4j.core.backup;

/** A backup or restore that failed while running (not a bad request: those are {@link IllegalArgumentException}s). */
public class BackupException extends RuntimeException {
    public BackupException(String message) {
        super(message);
    }

    public BackupException(String message, Throwable cause) {
        super(message, cause);
    }
}
