package io.hadr4j.app;

import org.eclipse.jetty.http.HttpURI;
import org.eclipse.jetty.proxy.ProxyHandler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Comparator;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * A local stand-in for Azure Front Door: one port that reverse-proxies every request to the healthy origin
 * with the best (lowest) priority. Each origin is probed on its own, as Front Door's health probes do: a
 * request with {@link ProbeSettings#method()} to {@link ProbeSettings#path()} every
 * {@link ProbeSettings#interval()}; only HTTP 200 counts as a success; an origin is healthy while at least
 * {@link ProbeSettings#successfulSamplesRequired()} of its last {@link ProbeSettings#sampleSize()} probes
 * succeeded (before that many probes have run, missing samples count as successes). When no origin is
 * healthy, requests go to the best-priority origin, as Front Door keeps sending traffic when every probe fails.
 * Responses carry {@value #ORIGIN_HEADER} naming the origin that served them.
 */
final class GlobalEntry implements AutoCloseable {
    static final String ORIGIN_HEADER = "X-Hadr4j-Origin";
    private static final Logger log = LoggerFactory.getLogger(GlobalEntry.class);

    /** Front Door's healthProbeSettings and loadBalancingSettings that decide health. */
    record ProbeSettings(String path, String method, Duration interval, int sampleSize, int successfulSamplesRequired,
                         Duration timeout) {
        ProbeSettings {
            if (!"HEAD".equals(method) && !"GET".equals(method)) {
                throw new Options.ConfigException("the probe method must be HEAD or GET (Front Door's probeRequestType), got '" + method + "'");
            }
            if (successfulSamplesRequired > sampleSize) {
                throw new Options.ConfigException("--successful-samples (" + successfulSamplesRequired
                        + ") cannot be more than --sample-size (" + sampleSize + ")");
            }
            if (!path.startsWith("/")) {
                throw new Options.ConfigException("the probe path must start with '/', got '" + path + "'");
            }
        }

        static ProbeSettings from(Options o) {
            return new ProbeSettings(o.string("probe-path", "/health"), o.string("probe-method", "HEAD"),
                    o.duration("probe-interval", Duration.ofSeconds(2)), o.positiveInt("sample-size", 4),
                    o.positiveInt("successful-samples", 3), o.duration("probe-timeout", Duration.ofSeconds(1)));
        }
    }

    /** A backend: a name, its base URL, and its priority (1 is tried first). */
    record Origin(String name, URI uri, int priority) {
        /** A priority flag: 1 to 5, Front Door's range. */
        static int priority(Options o, String flag, int def) {
            int p = o.positiveInt(flag, def);
            if (p > 5) {
                throw new Options.ConfigException("--" + flag + " must be from 1 (tried first) to 5, as Front Door's origin priority; got " + p);
            }
            return p;
        }
    }

    private final ProbeSettings settings;
    private final List<OriginState> origins;
    private final Server server;
    private final HttpClient probeClient;
    private final ScheduledExecutorService prober;
    private volatile String routedTo;

    private GlobalEntry(int port, ProbeSettings settings, List<Origin> origins) {
        this.settings = settings;
        this.origins = origins.stream().sorted(Comparator.comparingInt(Origin::priority)).map(OriginState::new).toList();
        this.probeClient = HttpClient.newBuilder().connectTimeout(settings.timeout()).build();
        this.prober = Executors.newScheduledThreadPool(origins.size(), r -> {
            Thread t = new Thread(r, "entry-probe");
            t.setDaemon(true);
            return t;
        });
        this.server = new Server();
        // The origin's Server and Date headers pass through; the entry adds none of its own.
        HttpConfiguration http = new HttpConfiguration();
        http.setSendServerVersion(false);
        http.setSendDateHeader(false);
        ServerConnector connector = new ServerConnector(server, new HttpConnectionFactory(http));
        connector.setPort(port);
        server.addConnector(connector);
        server.setHandler(new Proxy());
        server.setStopTimeout(1_000);
    }

    static GlobalEntry start(int port, ProbeSettings settings, List<Origin> origins) throws Exception {
        GlobalEntry entry = new GlobalEntry(port, settings, origins);
        for (OriginState o : entry.origins) {
            entry.prober.scheduleAtFixedRate(() -> entry.probe(o), 0, settings.interval().toMillis(), TimeUnit.MILLISECONDS);
        }
        try {
            entry.server.start();
        } catch (IOException e) {
            entry.close();
            throw Options.portInUse(port, e);
        }
        return entry;
    }

    int port() {
        return ((ServerConnector) server.getConnectors()[0]).getLocalPort();
    }

    URI uri() {
        return URI.create("http://127.0.0.1:" + port());
    }

    /** The origin requests go to now. */
    Origin select() {
        OriginState chosen = origins.stream().filter(OriginState::healthy).findFirst().orElse(origins.get(0));
        if (!chosen.origin.name().equals(routedTo)) {
            log.info("global entry: routing to origin {} ({}); health: {}", chosen.origin.name(), chosen.origin.uri(), describe());
            routedTo = chosen.origin.name();
        }
        return chosen.origin;
    }

    String describe() {
        StringBuilder sb = new StringBuilder();
        for (OriginState o : origins) {
            sb.append(sb.length() == 0 ? "" : ", ").append(o.origin.name()).append(o.healthy() ? " healthy " : " unhealthy ")
                    .append(o.samples());
        }
        return sb.toString();
    }

    private void probe(OriginState o) {
        boolean ok;
        try {
            HttpRequest request = HttpRequest.newBuilder(o.origin.uri().resolve(settings.path()))
                    .method(settings.method(), HttpRequest.BodyPublishers.noBody()).timeout(settings.timeout()).build();
            ok = probeClient.send(request, HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        } catch (Exception e) {
            ok = false;
        }
        o.record(ok, settings.sampleSize());
    }

    @Override
    public void close() {
        prober.shutdownNow();
        try {
            server.stop();
        } catch (Exception e) {
            log.debug("stopping the entry", e);
        }
    }

    private final class OriginState {
        final Origin origin;
        private final Deque<Boolean> window = new ArrayDeque<>();

        OriginState(Origin origin) {
            this.origin = origin;
        }

        synchronized void record(boolean ok, int size) {
            window.addLast(ok);
            while (window.size() > size) {
                window.removeFirst();
            }
        }

        synchronized boolean healthy() {
            long failures = window.stream().filter(ok -> !ok).count();
            return settings.sampleSize() - failures >= settings.successfulSamplesRequired();
        }

        synchronized String samples() {
            StringBuilder sb = new StringBuilder("[");
            window.forEach(ok -> sb.append(ok ? '+' : '-'));
            return sb.append(']').toString();
        }
    }

    private final class Proxy extends ProxyHandler {
        private static final String ATTRIBUTE = "hadr4j.origin";

        @Override
        public boolean handle(Request request, Response response, Callback callback) {
            Origin origin = select();
            request.setAttribute(ATTRIBUTE, origin);
            response.getHeaders().put(ORIGIN_HEADER, origin.name());
            return super.handle(request, response, callback);
        }

        @Override
        protected HttpURI rewriteHttpURI(Request request) {
            Origin origin = (Origin) request.getAttribute(ATTRIBUTE);
            HttpURI in = request.getHttpURI();
            return HttpURI.build(origin.uri()).path(in.getPath()).query(in.getQuery());
        }
    }
}
