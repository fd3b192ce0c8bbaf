package io.hadr4j.azure;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ExecutorService;
import java.util.function.Function;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * A loopback HTTP server for the tests: it records every request it gets (method, path, query, headers, body) and
 * answers with what the test's handler returns: the documented shapes of Azure's endpoints (IMDS, the managed
 * identity token endpoint, Azure Resource Manager). {@link Answer#silence()} accepts a request and never answers it,
 * as an unreachable service would, until the server closes.
 */
final class LocalHttp implements AutoCloseable {

    /** One request as the server received it. */
    record Request(String method, String path, Map<String, String> query, Map<String, String> headers, String body) {
        String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }

        /** {@code "GET /path"}, for assertion messages and lists of calls. */
        String line() {
            return method + " " + path;
        }

        @Override
        public String toString() {
            return method + " " + path + (query.isEmpty() ? "" : "?" + query) + (body.isEmpty() ? "" : " " + body);
        }
    }

    /** What the server sends back. */
    record Answer(int status, Map<String, String> headers, String body) {
        static Answer json(int status, String body) {
            return new Answer(status, Map.of("Content-Type", "application/json"), body);
        }

        static Answer of(int status, Map<String, String> headers, String body) {
            Map<String, String> h = new LinkedHashMap<>(headers);
            if (body != null && !body.isEmpty()) h.putIfAbsent("Content-Type", "application/json");
            return new Answer(status, h, body == null ? "" : body);
        }

        /** No answer at all: the request hangs until the client gives up or the server closes. */
        static Answer silence() {
            return new Answer(-1, Map.of(), "");
        }
    }

    private final HttpServer server;
    private final ExecutorService executor = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "local-http");
        t.setDaemon(true);
        return t;
    });
    private final List<Request> requests = new CopyOnWriteArrayList<>();
    private final List<Throwable> failures = new CopyOnWriteArrayList<>();
    private final CountDownLatch closing = new CountDownLatch(1);
    private volatile Function<Request, Answer> handler;

    LocalHttp(Function<Request, Answer> handler) throws IOException {
        this.handler = handler;
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 50);
        server.createContext("/", this::handle);
        server.setExecutor(executor);
        server.start();
    }

    /** {@code http://127.0.0.1:PORT} (no trailing slash). */
    String base() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    int port() {
        return server.getAddress().getPort();
    }

    void handler(Function<Request, Answer> handler) {
        this.handler = handler;
    }

    /** Every request so far, in order of arrival. */
    List<Request> requests() {
        return requests;
    }

    /** The handler's assertions about the requests that failed (each was answered 599); a test checks it is empty. */
    List<Throwable> failures() {
        return failures;
    }

    /** {@code "METHOD /path"} of every request so far. */
    List<String> lines() {
        List<String> out = new ArrayList<>();
        for (Request r : requests) out.add(r.line());
        return out;
    }

    private void handle(HttpExchange x) throws IOException {
        try (x) {
            URI uri = x.getRequestURI();
            Map<String, String> query = new LinkedHashMap<>();
            String raw = uri.getRawQuery();
            if (raw != null) {
                for (String pair : raw.split("&")) {
                    int eq = pair.indexOf('=');
                    String k = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
                    String v = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
                    query.put(k, v);
                }
            }
            Map<String, String> headers = new LinkedHashMap<>();
            x.getRequestHeaders().forEach((k, v) -> headers.put(k.toLowerCase(Locale.ROOT), String.join(",", v)));
            String body = new String(x.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            Request r = new Request(x.getRequestMethod(), uri.getRawPath(), query, headers, body);
            requests.add(r);
            Answer a;
            try {
                a = handler.apply(r);
            } catch (RuntimeException | AssertionError e) { // the test's assertion about this request failed: say so
                failures.add(e);
                a = Answer.json(599, "{\"error\":{\"code\":\"TestAssertionFailed\",\"message\":\"" + e.toString().replace("\"", "'") + "\"}}");
            }
            if (a.status() < 0) {
                try {
                    closing.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return;
            }
            a.headers().forEach((k, v) -> x.getResponseHeaders().add(k, v));
            byte[] bytes = a.body().getBytes(StandardCharsets.UTF_8);
            x.sendResponseHeaders(a.status(), bytes.length == 0 ? -1 : bytes.length);
            if (bytes.length > 0) {
                try (OutputStream out = x.getResponseBody()) {
                    out.write(bytes);
                }
            }
        }
    }

    @Override
    public void close() {
        closing.countDown();
        server.stop(0);
        executor.shutdownNow();
    }
}
