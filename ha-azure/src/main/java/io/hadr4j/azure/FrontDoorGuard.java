package io.hadr4j.azure;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

/**
 * Locks an origin (an App Service app) to one's own Azure Front Door: a request passes only when its
 * {@value #HEADER} header, which Front Door adds to every request it forwards, is one of the configured Front Door
 * profile ids; every other request gets {@code 403}. Requests to the health paths pass without it, so that App
 * Service's own health check (which does not come through Front Door) still reaches {@code /health/ready}.
 *
 * <pre>{@code
 * context.addFilter(new FilterHolder(FrontDoorGuard.custom()
 *         .frontDoorIds(System.getenv("HADR_FRONT_DOOR_ID"))          // az afd profile show ... --query frontDoorId
 *         .healthPaths("/health").build()), "/*", EnumSet.of(DispatcherType.REQUEST));
 * context.addServlet(new ServletHolder(new HealthServlet(health, ...)), "/health/*");
 * }</pre>
 *
 * <p>Also restrict the app's inbound traffic to the {@code AzureFrontDoor.Backend} service tag (an access
 * restriction): the id is not a secret, it only tells your Front Door from another customer's.
 */
public final class FrontDoorGuard implements Filter {

    /** The header Front Door adds with its profile's id. */
    public static final String HEADER = "X-Azure-FDID";
    private static final Pattern GUID = Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");
    private static final byte[] REFUSED = ("403 Forbidden: this origin serves requests only through its Azure Front Door.\n")
            .getBytes(StandardCharsets.UTF_8);

    private final Set<String> ids;
    private final List<String> healthPaths;

    private FrontDoorGuard(Set<String> ids, List<String> healthPaths) {
        this.ids = ids;
        this.healthPaths = healthPaths;
    }

    public static Builder custom() {
        return new Builder();
    }

    @Override
    public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain) throws IOException, ServletException {
        HttpServletRequest req = (HttpServletRequest) request;
        if (health(path(req)) || fromOurFrontDoor(req)) {
            chain.doFilter(request, response);
            return;
        }
        HttpServletResponse resp = (HttpServletResponse) response;
        resp.setStatus(HttpServletResponse.SC_FORBIDDEN);
        resp.setHeader("Cache-Control", "no-store");
        resp.setContentType("text/plain; charset=UTF-8");
        resp.setContentLength(REFUSED.length);
        if (!"HEAD".equals(req.getMethod())) resp.getOutputStream().write(REFUSED);
    }

    /** Exactly one {@value #HEADER} value, and one of ours. */
    private boolean fromOurFrontDoor(HttpServletRequest req) {
        List<String> values = Collections.list(req.getHeaders(HEADER));
        return values.size() == 1 && ids.contains(values.get(0).trim().toLowerCase(Locale.ROOT));
    }

    private boolean health(String path) {
        for (String p : healthPaths) {
            if (path.equals(p) || path.startsWith(p + "/")) return true;
        }
        return false;
    }

    private static String path(HttpServletRequest req) {
        String uri = req.getRequestURI();
        String context = req.getContextPath();
        return context != null && !context.isEmpty() && uri.startsWith(context) ? uri.substring(context.length()) : uri;
    }

    @Override
    public String toString() {
        return "FrontDoorGuard{frontDoorIds=" + ids + ", healthPaths=" + healthPaths + "}";
    }

    /** Settings; {@link #build()} checks them. */
    public static final class Builder {
        private final Set<String> ids = new LinkedHashSet<>();
        private final List<String> healthPaths = new ArrayList<>(List.of("/health"));

        private Builder() {
        }

        /**
         * The Front Door profile ids to accept (GUIDs: {@code az afd profile show -g <rg> --profile-name <fd> --query frontDoorId});
         * each argument may hold several, separated by commas or spaces (as one app setting does).
         */
        public Builder frontDoorIds(String... idsOrLists) {
            if (idsOrLists != null) {
                for (String s : idsOrLists) {
                    if (s == null) continue;
                    for (String id : s.split("[,\\s]+")) {
                        if (id.isBlank()) continue;
                        String v = id.trim().toLowerCase(Locale.ROOT);
                        if (!GUID.matcher(v).matches()) {
                            throw new IllegalArgumentException("'" + id + "' is not a Front Door id: it is a GUID such as "
                                    + "1f0a5e5c-9f6b-4d53-8f2e-3a4b5c6d7e8f (az afd profile show -g <rg> --profile-name <fd> --query frontDoorId)");
                        }
                        ids.add(v);
                    }
                }
            }
            return this;
        }

        /**
         * Paths (and everything below them) that pass without the header: the health endpoints App Service probes
         * itself (default {@code /health}). Replaces the default.
         */
        public Builder healthPaths(String... paths) {
            healthPaths.clear();
            for (String p : paths) {
                if (p == null || !p.startsWith("/") || p.length() < 2 || p.endsWith("/")) {
                    throw new IllegalArgumentException("health path '" + p + "' must start with '/' and not end with one, for example /health");
                }
                healthPaths.add(p);
            }
            return this;
        }

        public FrontDoorGuard build() {
            if (ids.isEmpty()) {
                throw new IllegalArgumentException("no Front Door id: the guard would refuse every request. Pass frontDoorIds(...) with your "
                        + "profile's id (az afd profile show -g <rg> --profile-name <fd> --query frontDoorId)");
            }
            return new FrontDoorGuard(Set.copyOf(ids), List.copyOf(healthPaths));
        }
    }
}
