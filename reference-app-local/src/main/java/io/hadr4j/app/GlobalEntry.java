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
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * A local stand-in for Azure Front Door: one port that reverse-proxies every request to an origin chosen by Front
 * Door's rules ({@link FrontDoorRouting}): healthy origins first, the best (lowest) priority among them, those within
 * the latency sensitivity of the fastest, and a round robin in the ratio of their weights. So origins of equal priority
 * share traffic by weight (active-active), and an origin of a worse priority gets traffic only when the better ones are
 * unhealthy (active-passive). Each origin is probed on its own, as Front Door's health probes do: a request with
 * {@link ProbeSettings#method()} to {@link ProbeSettings#path()} every {@link ProbeSettings#interval()}; only HTTP 200
 * counts as a success, and its round trip is the origin's latency sample; an origin is healthy while at least
 * {@link ProbeSettings#successfulSamplesRequired()} of its last {@link ProbeSettings#sampleSize()} probes succeeded
 * (before that many probes have run, missing samples count as successes). When no origin is healthy, every origin
 * shares traffic by weight, as Front Door keeps sending traffic when every probe fails.
 * Responses carry {@value #ORIGIN_HEADER} naming the origin that served them.
 */
final class GlobalEntry implements AutoCloseable {
    static final String ORIGIN_HEADER = "X-Hadr4j-Origin";
    private static final Logger log = LoggerFactory.getLogger(GlobalEntry.class);

    /**
     * Front Door's healthProbeSettings and loadBalancingSettings: what decides health, and how far a slower origin may
     * be from the fastest and still share traffic ({@code additionalLatencyInMilliseconds}).
     */
    record ProbeSettings(String path, String method, Duration interval, int sampleSize, int successfulSamplesRequired,
                         Duration timeout, Duration latencySensitivity) {
        /** The local default latency sensitivity: loopback origins of equal priority all fall within it. */
        static final Duration DEFAULT_LATENCY_SENSITIVITY = Duration.ofMillis(50);

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
            if (latencySensitivity.isNegative()) {
                throw new Options.ConfigException("--latency-sensitivity must be 0ms or more, got " + latencySensitivity.toMillis() + "ms");
            }
        }

        /** These settings with the default latency sensitivity. */
        ProbeSettings(String path, String method, Duration interval, int sampleSize, int successfulSamplesRequired, Duration timeout) {
            this(path, method, interval, sampleSize, successfulSamplesRequired, timeout, DEFAULT_LATENCY_SENSITIVITY);
        }

        static ProbeSettings from(Options o) {
            return new ProbeSettings(o.string("probe-path", "/health"), o.string("probe-method", "HEAD"),
                    o.duration("probe-interval", Duration.ofSeconds(2), Duration.ofMillis(10), Duration.ofHours(1)), o.positiveInt("sample-size", 4),
                    o.positiveInt("successful-samples", 3), o.duration("probe-timeout", Duration.ofSeconds(1), Duration.ofMillis(10), Duration.ofMinutes(10)),
                    o.duration("latency-sensitivity", DEFAULT_LATENCY_SENSITIVITY, Duration.ZERO, Duration.ofMinutes(1)));
        }
    }

    /**
     * A backend: a name, its base URL, its priority (1 is tried first; 1 to 5, Front Door's range) and its weight among
     * origins of the same priority (1 to 1000, Front Door's range).
     */
    record Origin(String name, URI uri, int priority, int weight) {
        static final int MAX_PRIORITY = 5;
        static final int MAX_WEIGHT = 1000;

        Origin {
            if (priority < 1 || priority > MAX_PRIORITY) {
                throw new Options.ConfigException("origin " + name + ": the priority must be from 1 (tried first) to " + MAX_PRIORITY
                        + ", as Front Door's origin priority; got " + priority);
            }
            if (weight < 1 || weight > MAX_WEIGHT) {
                throw new Options.ConfigException("origin " + name + ": the weight must be from 1 to " + MAX_WEIGHT
                        + ", as Front Door's origin weight; got " + weight);
            }
        }

        /** A priority flag: 1 to 5, Front Door's range; {@code def} when not given. */
        static int priority(Options o, String flag, int def) {
            return rangeFlag(o, flag, def, MAX_PRIORITY, "from 1 (tried first) to " + MAX_PRIORITY + ", as Front Door's origin priority");
        }

        /** A weight flag: 1 to 1000, Front Door's range; {@code def} when not given. */
        static int weight(Options o, String flag, int def) {
            return rangeFlag(o, flag, def, MAX_WEIGHT, "from 1 to " + MAX_WEIGHT + ", as Front Door's origin weight "
                    + "(origins of equal priority share traffic in the ratio of their weights)");
        }

        private static int rangeFlag(Options o, String flag, int def, int max, String what) {
            String given = o.string(flag, null);
            if (given == null) {
                return def;
            }
            int v;
            try {
                v = Integer.parseInt(given.trim());
            } catch (NumberFormatException e) {
                throw new Options.ConfigException("--" + flag + " must be a whole number " + what + "; got '" + given + "'");
            }
            if (v < 1 || v > max) {
                throw new Options.ConfigException("--" + flag + " must be " + what + "; got " + v);
            }
            return v;
        }
    }

    private final ProbeSettings settings;
    private final List<OriginState> origins;
    private final Server server;
    private final HttpClient probeClient;
    private final ScheduledExecutorService prober;
    private final FrontDoorRouting routing;
    private volatile List<String> sharing = List.of();

    private GlobalEntry(int port, ProbeSettings settings, List<Origin> origins) {
        this.settings = settings;
        if (origins.isEmpty()) {
            throw new IllegalArgumentException("a global entry needs at least one origin");
        }
        this.origins = origins.stream().sorted(Comparator.comparingInt(Origin::priority)).map(OriginState::new).toList();
        this.routing = new FrontDoorRouting(settings.latencySensitivity().toMillis());
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

    /** The origin of the next request. */
    Origin select() {
        List<FrontDoorRouting.Candidate> candidates = new ArrayList<>(origins.size());
        for (OriginState o : origins) {
            candidates.add(new FrontDoorRouting.Candidate(o.origin, o.healthy(), o.meanLatencyMillis()));
        }
        Origin chosen = routing.next(candidates);
        List<String> now = routing.sharing();
        if (!now.equals(sharing)) {
            sharing = now;
            log.info("global entry: routing to {}; health: {}", now.size() == 1 ? "origin " + now.get(0)
                    : "origins " + String.join(", ", now) + " by weight", describe());
        }
        return chosen;
    }

    /** Each origin's health now, by name. */
    Map<String, Boolean> health() {
        Map<String, Boolean> h = new LinkedHashMap<>();
        for (OriginState o : origins) {
            h.put(o.origin.name(), o.healthy());
        }
        return h;
    }

    /** The origins that shared the last request's pick. */
    List<String> sharing() {
        return routing.sharing();
    }

    String describe() {
        StringBuilder sb = new StringBuilder();
        for (OriginState o : origins) {
            Double latency = o.meanLatencyMillis();
            sb.append(sb.length() == 0 ? "" : ", ").append(o.origin.name()).append(" (priority ").append(o.origin.priority())
                    .append(", weight ").append(o.origin.weight()).append(')').append(o.healthy() ? " healthy " : " unhealthy ")
                    .append(o.samples()).append(latency == null ? "" : String.format(java.util.Locale.ROOT, " %.1f ms", latency));
        }
        return sb.toString();
    }

    private void probe(OriginState o) {
        boolean ok;
        long t0 = System.nanoTime();
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
        o.record(ok, (System.nanoTime() - t0) / 1e6, settings.sampleSize());
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

    /** One origin's last probes: whether each succeeded, and the round trip of each success (ms), oldest first. */
    private final class OriginState {
        final Origin origin;
        private final Deque<Double> window = new ArrayDeque<>(); // a success's latency, or NaN for a failure

        OriginState(Origin origin) {
            this.origin = origin;
        }

        synchronized void record(boolean ok, double latencyMillis, int size) {
            window.addLast(ok ? latencyMillis : Double.NaN);
            while (window.size() > size) {
                window.removeFirst();
            }
        }

        synchronized boolean healthy() {
            long failures = window.stream().filter(l -> l.isNaN()).count();
            return settings.sampleSize() - failures >= settings.successfulSamplesRequired();
        }

        /** The mean round trip of the successful probes in the window; null without one. */
        synchronized Double meanLatencyMillis() {
            double sum = 0;
            int n = 0;
            for (double l : window) {
                if (!Double.isNaN(l)) {
                    sum += l;
                    n++;
                }
            }
            return n == 0 ? null : sum / n;
        }

        synchronized String samples() {
            StringBuilder sb = new StringBuilder("[");
            window.forEach(l -> sb.append(l.isNaN() ? '-' : '+'));
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
