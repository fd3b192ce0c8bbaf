package io.hadr4j.oci;

import com.oracle.bmc.model.BmcException;

import io.hadr4j.core.Secrets;

/**
 * A call to OCI that failed, with what OCI answered: the operation, the HTTP status (-1 when there was no answer),
 * OCI's error code (for example {@code NotAuthorizedOrNotFound}, {@code Conflict}, {@code InvalidParameter}), its
 * message and the {@code opc-request-id} to quote to Oracle support. A call that got no answer in time is
 * {@link #isTimeout()}. The message is masked with {@link Secrets#mask}.
 */
public class OciException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final String operation;
    private final int status;
    private final String serviceCode;
    private final String opcRequestId;
    private final boolean timeout;

    public OciException(String operation, int status, String serviceCode, String opcRequestId, boolean timeout, String message,
                        Throwable cause) {
        super(Secrets.mask(message), cause);
        this.operation = operation;
        this.status = status;
        this.serviceCode = serviceCode;
        this.opcRequestId = opcRequestId;
        this.timeout = timeout;
    }

    /** A failure that is not an answer of OCI (a work request that ended FAILED, a wait that timed out). */
    public OciException(String operation, String message) {
        this(operation, -1, null, null, false, operation + ": " + message, null);
    }

    /** {@code e}, as {@code what} (for example "switchover of ocid1.autonomousdatabase...") failed with it. */
    static OciException of(String what, BmcException e) {
        String answer;
        boolean unreachable = causedBy(e, java.net.ConnectException.class) || causedBy(e, java.net.UnknownHostException.class)
                || causedBy(e, java.net.NoRouteToHostException.class);
        boolean timeout = e.isTimeout() && !unreachable;
        if (timeout) {
            answer = "OCI did not answer in time (" + Secrets.safeMessage(e.getCause() != null ? e.getCause() : e) + ")";
        } else if (unreachable || e.isClientSide() || e.getStatusCode() <= 0) {
            answer = "could not reach OCI: " + Secrets.safeMessage(e.getCause() != null ? e.getCause() : e);
        } else {
            answer = "OCI answered HTTP " + e.getStatusCode() + " " + e.getServiceCode() + ": " + original(e)
                    + (e.getOpcRequestId() != null ? " (opc-request-id " + e.getOpcRequestId() + ")" : "");
        }
        return new OciException(what, e.getStatusCode(), e.getServiceCode(), e.getOpcRequestId(), timeout,
                what + " failed: " + answer, e);
    }

    private static boolean causedBy(Throwable t, Class<? extends Throwable> type) {
        for (int i = 0; t != null && i < 20; i++, t = t.getCause()) {
            if (type.isInstance(t)) return true;
        }
        return false;
    }

    private static String original(BmcException e) {
        String m = e.getOriginalMessage();
        if (m == null || m.isBlank()) m = e.getUnmodifiedMessage();
        return m == null || m.isBlank() ? "(no message)" : m;
    }

    /** What was being done, for example {@code "GET secret bundle ocid1.vaultsecret..."}. */
    public String operation() {
        return operation;
    }

    /** The HTTP status OCI answered, or -1 when it did not answer. */
    public int status() {
        return status;
    }

    /** OCI's error code ({@code NotAuthorizedOrNotFound}, {@code Conflict}, ...), or {@code null}. */
    public String serviceCode() {
        return serviceCode;
    }

    /** The {@code opc-request-id} of the failed call, or {@code null}. */
    public String opcRequestId() {
        return opcRequestId;
    }

    /** Whether the call got no answer within its timeout. */
    public boolean isTimeout() {
        return timeout;
    }
}
