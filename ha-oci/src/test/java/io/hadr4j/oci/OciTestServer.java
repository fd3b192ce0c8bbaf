package io.hadr4j.oci;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.Signature;
import java.security.interfaces.RSAPublicKey;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * A local HTTP server on loopback that stands in for OCI's services: it answers the routes a test scripts with the
 * documented shapes, records every request (method, path, query, headers, body), and, when given the test's key,
 * verifies each request's OCI signature (the keyId, the signed headers, the body hash) with the public key. A request
 * with a bad signature gets 401; one no route expects gets 404; both are kept as {@link #problems()}.
 */
final class OciTestServer implements AutoCloseable {
    static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern PARAM = Pattern.compile("(\\w+)=\"([^\"]*)\"");

    record Request(String method, String path, String query, Map<String, String> headers, byte[] body) {
        String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }

        String bodyText() {
            return new String(body, StandardCharsets.UTF_8);
        }

        JsonNode json() {
            try {
                return JSON.readTree(body);
            } catch (IOException e) {
                throw new IllegalStateException("not JSON: " + bodyText(), e);
            }
        }

        /** {@code query} as a map (the values URL-decoded). */
        Map<String, String> params() {
            Map<String, String> m = new LinkedHashMap<>();
            if (query == null) return m;
            for (String kv : query.split("&")) {
                int eq = kv.indexOf('=');
                m.put(eq < 0 ? kv : kv.substring(0, eq),
                        eq < 0 ? "" : java.net.URLDecoder.decode(kv.substring(eq + 1), StandardCharsets.UTF_8));
            }
            return m;
        }

        @Override
        public String toString() {
            return method + " " + path + (query == null ? "" : "?" + query);
        }
    }

    record Response(int status, Map<String, String> headers, String body) {
        Response header(String name, String value) {
            Map<String, String> h = new LinkedHashMap<>(headers);
            h.put(name, value);
            return new Response(status, h, body);
        }
    }

    @FunctionalInterface
    interface Handler {
        Response handle(Request request) throws Exception;
    }

    private record Route(String method, Pattern path, Handler handler) {
    }

    private final HttpServer server;
    private final ExecutorService executor = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "oci-test-server");
        t.setDaemon(true);
        return t;
    });
    private final RSAPublicKey key;
    private final String keyId;
    private final List<Route> routes = new CopyOnWriteArrayList<>();
    private final List<Request> requests = new CopyOnWriteArrayList<>();
    private final List<String> problems = new CopyOnWriteArrayList<>();
    private final CountDownLatch closing = new CountDownLatch(1);

    private OciTestServer(TestKeys keys) throws IOException {
        this.key = keys == null ? null : keys.publicKey();
        this.keyId = keys == null ? null : keys.keyId();
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setExecutor(executor);
        server.createContext("/", this::serve);
        server.start();
    }

    /** A server that verifies every request's signature against {@code keys}. */
    static OciTestServer start(TestKeys keys) throws IOException {
        return new OciTestServer(keys);
    }

    /** A server that checks no signature (instance metadata, which is not signed). */
    static OciTestServer unsigned() throws IOException {
        return new OciTestServer(null);
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** Answers {@code method} on paths matching {@code pathRegex} (the whole path, no query) with {@code handler}. */
    OciTestServer on(String method, String pathRegex, Handler handler) {
        routes.add(0, new Route(method, Pattern.compile(pathRegex), handler)); // the latest route for a path wins
        return this;
    }

    List<Request> requests() {
        return List.copyOf(requests);
    }

    List<Request> requests(String method, String pathRegex) {
        return requests.stream().filter(r -> r.method.equals(method) && r.path.matches(pathRegex)).toList();
    }

    /** Bad signatures and unexpected requests seen so far. */
    List<String> problems() {
        return List.copyOf(problems);
    }

    void clear() {
        requests.clear();
        problems.clear();
    }

    static Response json(int status, Object body) {
        try {
            return new Response(status, Map.of("Content-Type", "application/json", "opc-request-id", "req-" + UUID.randomUUID()),
                    body instanceof String s ? s : JSON.writeValueAsString(body));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** OCI's error shape: {@code {"code": ..., "message": ...}}. */
    static Response error(int status, String code, String message) {
        return json(status, Map.of("code", code, "message", message));
    }

    /** A handler that never answers (until the server closes): the client's read timeout decides. */
    Handler noAnswer() {
        return r -> {
            closing.await(30, TimeUnit.SECONDS);
            return error(500, "InternalError", "too late");
        };
    }

    private void serve(HttpExchange ex) throws IOException {
        try (ex) {
            byte[] body;
            try (InputStream in = ex.getRequestBody()) {
                body = in.readAllBytes();
            }
            Map<String, String> headers = new LinkedHashMap<>();
            ex.getRequestHeaders().forEach((k, v) -> headers.put(k.toLowerCase(Locale.ROOT), String.join(",", v)));
            URI uri = ex.getRequestURI();
            Request r = new Request(ex.getRequestMethod(), uri.getRawPath(), uri.getRawQuery(), headers, body);
            requests.add(r);
            Response resp;
            String bad = key == null ? null : signatureProblem(r);
            if (bad != null) {
                problems.add(r + ": " + bad);
                resp = error(401, "NotAuthenticated", bad);
            } else {
                resp = route(r);
            }
            byte[] out = resp.body == null ? new byte[0] : resp.body.getBytes(StandardCharsets.UTF_8);
            resp.headers.forEach((k, v) -> ex.getResponseHeaders().add(k, v));
            ex.sendResponseHeaders(resp.status, out.length == 0 ? -1 : out.length);
            if (out.length > 0) {
                try (OutputStream os = ex.getResponseBody()) {
                    os.write(out);
                }
            }
        } catch (IOException e) {
            // the client gave up (a timeout test): nothing to answer
        }
    }

    private Response route(Request r) {
        for (Route route : routes) {
            if (route.method.equals(r.method) && route.path.matcher(r.path).matches()) {
                try {
                    return route.handler.handle(r);
                } catch (Exception e) {
                    problems.add(r + ": the test's handler failed: " + e);
                    return error(500, "InternalError", "test handler failed: " + e);
                }
            }
        }
        problems.add(r + ": no route expects this request");
        return error(404, "NotAuthorizedOrNotFound", "Authorization failed or requested resource not found.");
    }

    /** What is wrong with the request's OCI signature, or null when it is right. */
    private String signatureProblem(Request r) {
        String auth = r.header("authorization");
        if (auth == null || !auth.startsWith("Signature ")) return "no 'Authorization: Signature ...' header";
        Map<String, String> p = new LinkedHashMap<>();
        Matcher m = PARAM.matcher(auth);
        while (m.find()) p.put(m.group(1), m.group(2));
        if (!"1".equals(p.get("version"))) return "signature version is not 1: " + p.get("version");
        if (!"rsa-sha256".equals(p.get("algorithm"))) return "algorithm is not rsa-sha256: " + p.get("algorithm");
        if (!keyId.equals(p.get("keyId"))) return "keyId is " + p.get("keyId") + ", expected " + keyId;
        List<String> signed = List.of(p.getOrDefault("headers", "").split(" "));
        List<String> required = new ArrayList<>(List.of("date", "(request-target)", "host"));
        boolean hasBody = r.method.equals("POST") || r.method.equals("PUT") || r.method.equals("PATCH");
        if (hasBody) required.addAll(List.of("content-length", "content-type", "x-content-sha256"));
        if (!signed.containsAll(required)) return "signed headers " + signed + " do not include all of " + required;
        if (hasBody) {
            String sha = sha256(r.body);
            if (!sha.equals(r.header("x-content-sha256"))) return "x-content-sha256 " + r.header("x-content-sha256") + " is not the body's " + sha;
            if (!String.valueOf(r.body.length).equals(r.header("content-length"))) return "content-length is not the body's";
        }
        StringBuilder toSign = new StringBuilder();
        for (String h : signed) {
            if (toSign.length() > 0) toSign.append('\n');
            if (h.equals("(request-target)")) {
                toSign.append("(request-target): ").append(r.method.toLowerCase(Locale.ROOT)).append(' ').append(r.path)
                        .append(r.query == null ? "" : "?" + r.query);
            } else {
                String v = r.header(h);
                if (v == null) return "signed header " + h + " is not in the request";
                toSign.append(h).append(": ").append(v);
            }
        }
        try {
            Signature s = Signature.getInstance("SHA256withRSA");
            s.initVerify(key);
            s.update(toSign.toString().getBytes(StandardCharsets.UTF_8));
            return s.verify(Base64.getDecoder().decode(p.get("signature"))) ? null : "the signature does not verify with the test's public key";
        } catch (Exception e) {
            return "the signature cannot be checked: " + e;
        }
    }

    private static String sha256(byte[] body) {
        try {
            return Base64.getEncoder().encodeToString(MessageDigest.getInstance("SHA-256").digest(body));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        closing.countDown();
        server.stop(0);
        executor.shutdownNow();
    }
}
