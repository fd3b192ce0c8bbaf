package io.hadr4j.oci;

import java.time.Duration;
import java.util.List;
import java.util.function.LongConsumer;
import java.util.stream.Collectors;

import com.oracle.bmc.model.BmcException;
import com.oracle.bmc.workrequests.WorkRequestClient;
import com.oracle.bmc.workrequests.model.WorkRequest;
import com.oracle.bmc.workrequests.model.WorkRequestError;
import com.oracle.bmc.workrequests.requests.GetWorkRequestRequest;
import com.oracle.bmc.workrequests.requests.ListWorkRequestErrorsRequest;

/**
 * Waits for an OCI work request ({@code GET /20160918/workRequests/{id}}) until it SUCCEEDED, failing with an
 * {@link OciException} that quotes the work request's own errors when it ended FAILED or CANCELED, or that says
 * how far it got when the deadline passed.
 */
final class WorkRequests {

    private WorkRequests() {
    }

    /**
     * @param deadlineNanos a {@link System#nanoTime()} deadline
     * @param percent       receives the work request's percent complete on each poll
     */
    static WorkRequest await(WorkRequestClient client, String id, String what, long deadlineNanos, Duration poll, LongConsumer percent) {
        while (true) {
            WorkRequest wr;
            try {
                wr = client.getWorkRequest(GetWorkRequestRequest.builder().workRequestId(id).build()).getWorkRequest();
            } catch (BmcException e) {
                throw OciException.of(what + ": reading work request " + id, e);
            }
            if (wr.getPercentComplete() != null) percent.accept(Math.round(wr.getPercentComplete()));
            WorkRequest.Status s = wr.getStatus();
            if (s == WorkRequest.Status.Succeeded) return wr;
            if (s == WorkRequest.Status.Failed || s == WorkRequest.Status.Canceled) {
                throw new OciException(what, -1, null, null, false, what + ": work request " + id + " ended " + s.getValue()
                        + " (" + wr.getOperationType() + "): " + errors(client, id), null);
            }
            sleepUntilNextPoll(what, deadlineNanos, poll, "work request " + id + " is " + (s == null ? "in an unknown state" : s.getValue())
                    + (wr.getPercentComplete() == null ? "" : ", " + Math.round(wr.getPercentComplete()) + "% done"));
        }
    }

    /** Sleeps one poll interval, or throws a timed-out {@link OciException} saying {@code where} when the deadline passed. */
    static void sleepUntilNextPoll(String what, long deadlineNanos, Duration poll, String where) {
        long left = deadlineNanos - System.nanoTime();
        if (left <= 0) {
            throw new OciException(what, -1, null, null, true, what + " did not finish in time: " + where, null);
        }
        try {
            Thread.sleep(Math.max(1, Math.min(poll.toMillis(), left / 1_000_000)));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new OciException(what, "interrupted while waiting: " + where);
        }
    }

    private static String errors(WorkRequestClient client, String id) {
        try {
            List<WorkRequestError> items = client.listWorkRequestErrors(ListWorkRequestErrorsRequest.builder().workRequestId(id).build()).getItems();
            if (items == null || items.isEmpty()) return "OCI lists no error for it";
            return items.stream().map(e -> e.getCode() + ": " + e.getMessage()).collect(Collectors.joining("; "));
        } catch (BmcException e) {
            return "its errors could not be read (" + OciException.of("listing errors of " + id, e).getMessage() + ")";
        }
    }
}
