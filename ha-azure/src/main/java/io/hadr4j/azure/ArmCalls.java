package io.hadr4j.azure;

import java.time.Duration;
import java.util.concurrent.TimeoutException;
import java.util.regex.Pattern;

import com.azure.core.exception.HttpResponseException;
import com.azure.core.management.exception.ManagementError;
import com.azure.core.management.exception.ManagementException;

import io.hadr4j.core.Secrets;
import reactor.core.Exceptions;
import reactor.core.publisher.Mono;

/**
 * How hadr4j calls Azure Resource Manager through the SDK: every call bounded by a timeout (the SDK's own waits are
 * not), and what Azure answered told in one line for the exceptions that name it.
 */
final class ArmCalls {

    /** Lower-case letters, digits and '-', not at either end: logical servers, failover groups. */
    static final Pattern ARM_NAME = Pattern.compile("[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?");
    private static final String LRO_FAILED = "Long running operation is Failed or Cancelled";

    private ArmCalls() {
    }

    /**
     * Subscribes and waits for {@code call} at most {@code timeout}; returns its value (null when it completes empty).
     *
     * @throws TimeoutException when Azure has not answered (or the long-running operation not ended) in time
     * @throws RuntimeException what the SDK threw: a {@link ManagementException} for an error answer or a failed operation
     */
    static <T> T await(Mono<T> call, Duration timeout) throws TimeoutException {
        try {
            return call.timeout(timeout).block();
        } catch (RuntimeException e) {
            Throwable t = Exceptions.unwrap(e);
            if (t instanceof TimeoutException te) throw te;
            if (t instanceof RuntimeException re) throw re;
            throw e;
        }
    }

    /** Whether Azure answered 404 (the resource does not exist). */
    static boolean notFound(Throwable t) {
        return status(t) == 404;
    }

    /** Azure's error code, from the answer's body or the failed operation's status ({@code getValue().getCode()}). */
    static String code(Throwable t) {
        if (t instanceof ManagementException m && m.getValue() != null) return m.getValue().getCode();
        return null;
    }

    /**
     * The HTTP status of Azure's error answer, or -1: no answer, not an HTTP error, or a long-running operation that
     * ended Failed (its exception carries the status of the successful poll that reported it, which says nothing).
     */
    static int status(Throwable t) {
        if (lroFailed(t)) return -1;
        return t instanceof HttpResponseException h && h.getResponse() != null ? h.getResponse().getStatusCode() : -1;
    }

    /** Whether {@code t} says a long-running operation ended Failed or Canceled. */
    static boolean lroFailed(Throwable t) {
        return t instanceof ManagementException && String.valueOf(t.getMessage()).contains(LRO_FAILED);
    }

    /** What Azure answered, in one line, masked: the status and code and message, or that the operation failed. */
    static String describe(Throwable t, Duration timeout) {
        if (t instanceof TimeoutException) {
            return "no answer from Azure within " + timeout.toMillis() + " ms (the operation may still run there)";
        }
        if (t instanceof ManagementException m) {
            ManagementError v = m.getValue();
            String what = v == null ? Secrets.safeMessage(m) : v.getCode() + ": " + v.getMessage();
            if (lroFailed(m)) return "the long-running operation ended Failed with " + Secrets.mask(what);
            return "HTTP " + status(m) + " " + Secrets.mask(what);
        }
        if (t instanceof HttpResponseException h) return "HTTP " + status(h) + ": " + Secrets.safeMessage(h);
        return "no usable answer (" + t.getClass().getSimpleName() + ": " + Secrets.safeMessage(t) + ")";
    }
}
