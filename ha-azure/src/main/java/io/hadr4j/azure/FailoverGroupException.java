package io.hadr4j.azure;

/**
 * A failover-group operation that did not succeed: which group, which server, what was asked and what Azure answered
 * (its HTTP status and error code, that the long-running operation ended Failed, or that it did not answer in time).
 */
public final class FailoverGroupException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final String group;
    private final String server;
    private final String azureCode;
    private final int httpStatus;
    private final boolean timedOut;

    FailoverGroupException(String group, String server, String message, String azureCode, int httpStatus, boolean timedOut,
                           Throwable cause) {
        super(message, cause);
        this.group = group;
        this.server = server;
        this.azureCode = azureCode;
        this.httpStatus = httpStatus;
        this.timedOut = timedOut;
    }

    /** The failover group's name. */
    public String group() {
        return group;
    }

    /** The logical server the operation was called on. */
    public String server() {
        return server;
    }

    /** Azure's error code (for example {@code ResourceNotFound}), or null when Azure gave none. */
    public String azureCode() {
        return azureCode;
    }

    /** The HTTP status of Azure's answer, or -1 when there was none (timeout) or the operation failed later. */
    public int httpStatus() {
        return httpStatus;
    }

    /** Whether Azure did not answer, or the operation did not end, within the timeout. */
    public boolean timedOut() {
        return timedOut;
    }
}
