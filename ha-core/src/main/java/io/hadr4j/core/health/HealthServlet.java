package io.hadr4j.core.health;

import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Objects;
import java.util.function.Predicate;

/**
 * Serves a {@link HealthRegistry} in the MicroProfile Health JSON format. Map it to {@code /<path>/*}; it answers
 * {@code <path>} (every check), {@code <path>/live}, {@code <path>/ready} and {@code <path>/started}:
 * 200 when UP, 503 when DOWN, {@code Cache-Control: no-store}, {@code application/json; charset=UTF-8}. HEAD
 * answers the same status and headers without a body; other methods get 405 with {@code Allow: GET, HEAD};
 * other sub-paths 404.
 *
 * <p>A request only reads the registry's pre-rendered bytes: it never waits on a check or a database.
 * Callers get each check's name and status; the data too only when the details predicate admits them (by
 * default nobody; see {@link #loopbackCallers()} and {@link #bearerToken(String)}).
 *
 * <p>Created with the no-argument constructor (web.xml, {@code @WebServlet}), the servlet takes its registry from
 * the servlet-context attribute {@link #REGISTRY_ATTRIBUTE} and, if present, its details predicate from
 * {@link #DETAILS_ATTRIBUTE}.
 */
public class HealthServlet extends HttpServlet {

    private static final long serialVersionUID = 1L;

    /** Servlet-context attribute holding the {@link HealthRegistry}, for the no-argument constructor. */
    public static final String REGISTRY_ATTRIBUTE = HealthRegistry.class.getName();
    /** Optional servlet-context attribute holding a {@code Predicate<HttpServletRequest>} that admits details. */
    public static final String DETAILS_ATTRIBUTE = HealthServlet.class.getName() + ".details";

    private static final String CONTENT_TYPE = "application/json; charset=UTF-8";
    private static final Predicate<HttpServletRequest> NOBODY = request -> false;

    private transient HealthRegistry registry;
    private transient Predicate<HttpServletRequest> details;

    /** For containers that instantiate servlets themselves; see the class comment. */
    public HealthServlet() {
    }

    /** Status only for every caller. */
    public HealthServlet(HealthRegistry registry) {
        this(registry, NOBODY);
    }

    /** Full data for callers that {@code details} admits, status only for the others. */
    public HealthServlet(HealthRegistry registry, Predicate<HttpServletRequest> details) {
        this.registry = Objects.requireNonNull(registry, "registry");
        this.details = Objects.requireNonNull(details, "details: use request -> false to show status only");
    }

    @Override
    @SuppressWarnings("unchecked")
    public void init() throws ServletException {
        if (registry == null) {
            Object attribute = getServletContext().getAttribute(REGISTRY_ATTRIBUTE);
            if (!(attribute instanceof HealthRegistry)) {
                throw new ServletException("HealthServlet needs a HealthRegistry: pass it to the constructor or put it"
                        + " in the servlet-context attribute \"" + REGISTRY_ATTRIBUTE + "\" before the servlet starts");
            }
            registry = (HealthRegistry) attribute;
            Object predicate = getServletContext().getAttribute(DETAILS_ATTRIBUTE);
            details = predicate instanceof Predicate ? (Predicate<HttpServletRequest>) predicate : NOBODY;
        }
    }

    @Override
    protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
        response.setHeader("Cache-Control", "no-store");
        String method = request.getMethod();
        boolean head = "HEAD".equals(method);
        if (!head && !"GET".equals(method)) {
            response.setHeader("Allow", "GET, HEAD");
            response.setStatus(HttpServletResponse.SC_METHOD_NOT_ALLOWED);
            response.setContentLength(0);
            return;
        }
        String path = request.getPathInfo();
        HealthGroup group = null;
        if (path != null && !path.equals("/")) {
            group = groupOf(path);
            if (group == null) {
                response.setStatus(HttpServletResponse.SC_NOT_FOUND);
                response.setContentLength(0);
                return;
            }
        }
        HealthJson.Rendered rendered = registry.rendered(group, admitted(request));
        response.setStatus(rendered.httpStatus());
        response.setContentType(CONTENT_TYPE);
        response.setContentLength(rendered.body().length);
        if (!head) {
            response.getOutputStream().write(rendered.body());
        }
    }

    private static HealthGroup groupOf(String path) {
        for (HealthGroup group : HealthGroup.values()) {
            if (path.length() == group.path().length() + 1 && path.endsWith(group.path())) {
                return group;
            }
        }
        return null;
    }

    /**
     * Whether this servlet shows {@code request} the checks' data: its details predicate's answer, and no when the
     * predicate throws. Pages of the same application that can show error messages or other details (an info page, a
     * status page) should admit the same callers, by asking this method, so that one rule decides who sees details.
     */
    public boolean admitsDetails(HttpServletRequest request) {
        Predicate<HttpServletRequest> rule = details;
        if (rule == null || request == null) {
            return false;
        }
        try {
            return rule.test(request);
        } catch (RuntimeException e) {
            return false;
        }
    }

    private boolean admitted(HttpServletRequest request) {
        return admitsDetails(request);
    }

    /** Admits callers on a loopback address (sidecars, local agents, an operator on the host). */
    public static Predicate<HttpServletRequest> loopbackCallers() {
        return request -> {
            String address = request.getRemoteAddr();
            if (address == null) {
                return false;
            }
            try {
                // a literal address: no name lookup happens
                return InetAddress.getByName(address).isLoopbackAddress();
            } catch (Exception e) {
                return false;
            }
        };
    }

    /**
     * Admits callers that send {@code Authorization: Bearer <token>}, compared in constant time (both sides are
     * hashed first, so not even the length leaks).
     */
    public static Predicate<HttpServletRequest> bearerToken(String token) {
        if (token == null || token.isBlank()) {
            throw new IllegalArgumentException("the details bearer token must not be blank: generate a long random one");
        }
        byte[] expected = sha256(token);
        return request -> {
            String header = request.getHeader("Authorization");
            if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
                return false;
            }
            return MessageDigest.isEqual(expected, sha256(header.substring(7).trim()));
        };
    }

    private static byte[] sha256(String s) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every Java platform", e);
        }
    }
}
