package io.hadr4j.oci;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The Database service's Autonomous Databases and the Work Requests service, as OCI documents their shapes, on one or
 * more {@link OciTestServer}s (one per region): databases are JSON maps the test changes, work requests report
 * IN_PROGRESS for a few polls and then SUCCEEDED (running what the operation does to the databases) or FAILED with
 * errors.
 */
final class FakeAutonomous {
    static final String COMPARTMENT = "ocid1.compartment.oc1..aaaaaaaatestcompartment";
    static final String BASE = "/20160918";

    final Map<String, Map<String, Object>> databases = new ConcurrentHashMap<>();
    private final Map<String, Work> work = new ConcurrentHashMap<>();

    private static final class Work {
        final String operation;
        final int inProgressPolls;
        final Runnable onSuccess;
        final List<Map<String, Object>> errors;
        final AtomicInteger polls = new AtomicInteger();
        volatile boolean finished;

        Work(String operation, int inProgressPolls, Runnable onSuccess, List<Map<String, Object>> errors) {
            this.operation = operation;
            this.inProgressPolls = inProgressPolls;
            this.onSuccess = onSuccess;
            this.errors = errors;
        }
    }

    static Map<String, Object> database(String id, String name, String role, String state) {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("id", id);
        d.put("compartmentId", COMPARTMENT);
        d.put("displayName", name);
        d.put("dbName", name.replace("-", "").toUpperCase());
        d.put("lifecycleState", state);
        if (role != null) d.put("role", role);
        d.put("computeModel", "ECPU");
        d.put("computeCount", 2.0);
        d.put("dataStorageSizeInTBs", 1);
        d.put("dbWorkload", "OLTP");
        d.put("backupRetentionPeriodInDays", 60);
        d.put("timeCreated", "2026-10-01T00:00:00.000Z");
        return d;
    }

    /** Answers GET of database {@code id} on {@code server}, and its DELETE. */
    FakeAutonomous serve(OciTestServer server, String id) {
        server.on("GET", BASE + "/autonomousDatabases/" + id, r -> {
            Map<String, Object> d = databases.get(id);
            return d == null ? OciTestServer.error(404, "NotAuthorizedOrNotFound", "Authorization failed or requested resource not found.")
                    : OciTestServer.json(200, d).header("etag", "etag-" + d.hashCode());
        });
        return this;
    }

    /** Answers the work-request API on {@code server}. */
    FakeAutonomous serveWorkRequests(OciTestServer server) {
        server.on("GET", BASE + "/workRequests/[^/]+", r -> {
            String id = r.path().substring(r.path().lastIndexOf('/') + 1);
            Work w = work.get(id);
            if (w == null) return OciTestServer.error(404, "NotAuthorizedOrNotFound", "no such work request");
            int n = w.polls.incrementAndGet();
            String status;
            if (n <= w.inProgressPolls) {
                status = n == 1 ? "ACCEPTED" : "IN_PROGRESS";
            } else if (w.errors != null) {
                status = "FAILED";
            } else {
                synchronized (w) {
                    if (!w.finished) {
                        w.finished = true;
                        if (w.onSuccess != null) w.onSuccess.run();
                    }
                }
                status = "SUCCEEDED";
            }
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("id", id);
            body.put("operationType", w.operation);
            body.put("status", status);
            body.put("compartmentId", COMPARTMENT);
            body.put("percentComplete", status.equals("SUCCEEDED") ? 100.0 : Math.min(99.0, 100.0 * n / (w.inProgressPolls + 1)));
            body.put("resources", List.of());
            body.put("timeAccepted", Instant.now().toString());
            return OciTestServer.json(200, body);
        });
        server.on("GET", BASE + "/workRequests/[^/]+/errors", r -> {
            String id = r.path().split("/")[3];
            Work w = work.get(id);
            return OciTestServer.json(200, w == null || w.errors == null ? List.of() : w.errors);
        });
        return this;
    }

    /** A work request that succeeds after {@code polls} polls, running {@code onSuccess} then. */
    String workRequest(String operation, int polls, Runnable onSuccess) {
        String id = "ocid1.coreservicesworkrequest.oc1.eu-frankfurt-1." + UUID.randomUUID().toString().replace("-", "");
        work.put(id, new Work(operation, polls, onSuccess, null));
        return id;
    }

    /** A work request that fails after {@code polls} polls with one error. */
    String failingWorkRequest(String operation, int polls, String code, String message) {
        String id = "ocid1.coreservicesworkrequest.oc1.eu-frankfurt-1." + UUID.randomUUID().toString().replace("-", "");
        List<Map<String, Object>> errors = new ArrayList<>();
        errors.add(Map.of("code", code, "message", message, "timestamp", Instant.now().toString()));
        work.put(id, new Work(operation, polls, null, errors));
        return id;
    }

    void set(String id, String key, Object value) {
        databases.get(id).put(key, value);
    }
}
