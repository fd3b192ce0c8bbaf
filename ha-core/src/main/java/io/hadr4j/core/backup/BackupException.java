package io.hadr4j.core.backup;

import io.hadr4j.core.Secrets;

/**
 * A backup or restore that failed while running (not a bad request: those are {@link IllegalArgumentException}s).
 * The message is masked with {@link Secrets#mask} here, once for every implementation: it often quotes a tool's or a
 * cloud's answer, which can carry a connection string or a token.
 */
public class BackupException extends RuntimeException {
    public BackupException(String message) {
        super(Secrets.mask(message));
    }

    public BackupException(String message, Throwable cause) {
        super(Secrets.mask(message), cause);
    }
}
