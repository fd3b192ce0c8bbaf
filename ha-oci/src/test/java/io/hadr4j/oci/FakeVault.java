package io.hadr4j.oci;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The Secrets service of OCI Vault on an {@link OciTestServer}: {@code GET /20190301/secretbundles/{id}} answers the
 * secret's CURRENT version in the documented shape ({@code secretBundleContent: {contentType: BASE64, content}}).
 * {@link #rotate} makes a new version current; {@link #down} makes every read fail the given way.
 */
final class FakeVault {
    static final String SECRET_ID = "ocid1.vaultsecret.oc1.eu-frankfurt-1.amaaaaaatestsecret";
    static final String PATH = "/20190301/secretbundles/" + SECRET_ID;

    private record Version(long number, String content) {
    }

    private final OciTestServer server;
    private final AtomicReference<Version> current = new AtomicReference<>();
    private final AtomicReference<OciTestServer.Handler> outage = new AtomicReference<>();

    FakeVault(OciTestServer server, String content) {
        this.server = server;
        current.set(new Version(1, content));
        server.on("GET", PATH, r -> {
            OciTestServer.Handler down = outage.get();
            if (down != null) return down.handle(r);
            Version v = current.get();
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("secretId", SECRET_ID);
            body.put("versionNumber", v.number);
            body.put("versionName", null);
            body.put("timeCreated", "2026-12-01T10:00:00.000Z");
            body.put("stages", List.of("CURRENT", "LATEST"));
            body.put("secretBundleContent", Map.of("contentType", "BASE64",
                    "content", Base64.getEncoder().encodeToString(v.content.getBytes(StandardCharsets.UTF_8))));
            return OciTestServer.json(200, body);
        });
    }

    static String json(String user, String password) {
        return "{\"username\":\"" + user + "\",\"password\":\"" + password + "\"}";
    }

    /** A new CURRENT version with {@code content}; returns its number. */
    long rotate(String content) {
        return current.updateAndGet(v -> new Version(v.number + 1, content)).number;
    }

    long version() {
        return current.get().number;
    }

    void down(OciTestServer.Handler how) {
        outage.set(how);
    }

    void up() {
        outage.set(null);
    }

    List<OciTestServer.Request> reads() {
        return server.requests("GET", PATH);
    }
}
