package io.hadr4j.azure;

import java.io.IOException;
import java.net.ProxySelector;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.UnaryOperator;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.azure.json.JsonProviders;
import com.azure.json.JsonReader;

import io.hadr4j.core.Secrets;
import io.hadr4j.core.region.RegionDetector;
import io.hadr4j.core.region.RegionInfo;

/**
 * Where on Azure this process runs, for {@link RegionInfo#resolve()} (registered for {@link java.util.ServiceLoader}).
 *
 * <ol>
 *   <li><b>App Service</b> ({@code WEBSITE_SITE_NAME} or {@code REGION_NAME} set): the region from {@code REGION_NAME},
 *       normalised ({@link #normalizeRegion}: "Central India" and {@code centralindia} are one region), the host from
 *       {@code WEBSITE_HOSTNAME}, the instance from {@code WEBSITE_INSTANCE_ID}. No network call.</li>
 *   <li><b>A VM</b> (or scale set): the Instance Metadata Service, {@code GET /metadata/instance?api-version=2021-02-01}
 *       with {@code Metadata: true}, no proxy, at most {@value #MAX_TIMEOUT_MILLIS} ms: {@code compute.location} (the
 *       region), {@code compute.zone} (or, without one, {@code fault-domain-<compute.platformFaultDomain>}) and
 *       {@code compute.vmId}. IMDS is asked only when the machine says it is an Azure VM: its DMI chassis asset tag
 *       ({@code /sys/class/dmi/id/chassis_asset_tag}) is Azure's {@value #AZURE_ASSET_TAG} (Linux; elsewhere, set
 *       {@value #IMDS_PROPERTY}). The answer, or its failure, is kept: one call per process.</li>
 *   <li>Anything else: empty, at once, without a network call. Never throws.</li>
 * </ol>
 *
 * <p>System property {@value #IMDS_PROPERTY}: unset, ask IMDS only on an Azure VM as above; {@code off}, never;
 * a base URL such as {@code http://169.254.169.254}, always ask there (a proxy of IMDS, or a test's local server).
 */
public final class AzureRegionDetector implements RegionDetector {

    /** The system property that sets where IMDS is, or {@code off}. */
    public static final String IMDS_PROPERTY = "hadr4j.azure.imds";
    /** IMDS's fixed address. */
    public static final String IMDS_BASE = "http://169.254.169.254";
    /** The DMI chassis asset tag of every Azure VM (documented by Microsoft; "MSFT AZURE VM" in decimal ASCII). */
    public static final String AZURE_ASSET_TAG = "7783-7084-3265-9085-8269-3286-77";
    /** The longest an IMDS call may take. */
    public static final long MAX_TIMEOUT_MILLIS = 1000;

    static final String IMDS_PATH = "/metadata/instance?api-version=2021-02-01";
    private static final Path DMI = Path.of("/sys/class/dmi/id");
    private static final Logger LOG = LoggerFactory.getLogger(AzureRegionDetector.class);
    /** IMDS answers per base URL: one call per process for each. */
    private static final Map<String, Optional<RegionInfo>> IMDS_ANSWERS = new ConcurrentHashMap<>();

    private final UnaryOperator<String> env;
    private final Path dmi;
    private final String imds; // null: ask the default only on an Azure VM; "off": never; else always this base
    private final String defaultBase;
    private final Duration timeout;

    /**
     * As {@link java.util.ServiceLoader} creates it: the process environment, {@value #IMDS_PROPERTY}, 1 s. A malformed
     * {@value #IMDS_PROPERTY} is logged and treated as {@code off} (a detector must not fail the others' loading).
     */
    public AzureRegionDetector() {
        this(System::getenv, DMI, checkedProperty(), IMDS_BASE, Duration.ofMillis(MAX_TIMEOUT_MILLIS));
    }

    private static String checkedProperty() {
        String p = System.getProperty(IMDS_PROPERTY);
        try {
            new AzureRegionDetector(k -> null, DMI, p, IMDS_BASE, Duration.ofMillis(MAX_TIMEOUT_MILLIS));
            return p;
        } catch (IllegalArgumentException e) {
            LOG.warn("{}; not asking IMDS", e.getMessage());
            return "off";
        }
    }

    /**
     * @param env     the environment to read App Service's variables from
     * @param dmi     the DMI directory ({@code /sys/class/dmi/id})
     * @param imds        {@code null} (IMDS only on an Azure VM), {@code "off"}, or the base URL of IMDS to always ask
     * @param defaultBase where IMDS is on an Azure VM ({@value #IMDS_BASE})
     * @param timeout     the bound of the IMDS call, at most {@value #MAX_TIMEOUT_MILLIS} ms
     */
    AzureRegionDetector(UnaryOperator<String> env, Path dmi, String imds, String defaultBase, Duration timeout) {
        this.env = Objects.requireNonNull(env, "env");
        this.dmi = Objects.requireNonNull(dmi, "dmi");
        this.defaultBase = Objects.requireNonNull(defaultBase, "defaultBase");
        this.imds = imds == null || imds.isBlank() ? null : imds.trim().replaceAll("/+$", "");
        if (this.imds != null && !"off".equalsIgnoreCase(this.imds) && !this.imds.startsWith("http://") && !this.imds.startsWith("https://")) {
            throw new IllegalArgumentException(IMDS_PROPERTY + " must be 'off' or a base URL such as " + IMDS_BASE + ", got '" + imds + "'");
        }
        if (timeout == null || timeout.isNegative() || timeout.isZero() || timeout.toMillis() > MAX_TIMEOUT_MILLIS) {
            throw new IllegalArgumentException("the IMDS timeout must be positive and at most " + MAX_TIMEOUT_MILLIS + " ms, got " + timeout);
        }
        this.timeout = timeout;
    }

    @Override
    public String name() {
        return "azure";
    }

    @Override
    public Optional<RegionInfo> detect() {
        try {
            Optional<RegionInfo> appService = appService();
            if (appService.isPresent()) return appService;
            String base = imdsBase();
            if (base == null) return Optional.empty();
            return IMDS_ANSWERS.computeIfAbsent(base, this::askImds);
        } catch (RuntimeException e) {
            LOG.debug("Azure region detection failed: {}", Secrets.safeMessage(e));
            return Optional.empty();
        }
    }

    /**
     * An Azure region name as ARM spells it: lower case, letters and digits only ("Central India" and
     * {@code centralindia} are both {@code centralindia}); {@code null} stays {@code null}.
     */
    public static String normalizeRegion(String region) {
        if (region == null) return null;
        String r = region.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]", "");
        return r.isEmpty() ? null : r;
    }

    private Optional<RegionInfo> appService() {
        String site = blankToNull(env.apply("WEBSITE_SITE_NAME"));
        String region = normalizeRegion(blankToNull(env.apply("REGION_NAME")));
        if (site == null && region == null) return Optional.empty();
        return Optional.of(RegionInfo.of(region, null, blankToNull(env.apply("WEBSITE_HOSTNAME")),
                blankToNull(env.apply("WEBSITE_INSTANCE_ID"))));
    }

    /** Where to ask IMDS, or null when not to. */
    private String imdsBase() {
        if (imds != null) return "off".equalsIgnoreCase(imds) ? null : imds;
        return onAzureVm() ? defaultBase : null;
    }

    private boolean onAzureVm() {
        try {
            Path tag = dmi.resolve("chassis_asset_tag");
            return Files.isReadable(tag) && AZURE_ASSET_TAG.equals(Files.readString(tag, StandardCharsets.US_ASCII).trim());
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    private Optional<RegionInfo> askImds(String base) {
        HttpClient client = HttpClient.newBuilder().proxy(ProxySelector.of(null)) // IMDS must not go through a proxy
                .connectTimeout(timeout).followRedirects(HttpClient.Redirect.NEVER).build();
        HttpRequest request = HttpRequest.newBuilder(URI.create(base + IMDS_PATH)).timeout(timeout)
                .header("Metadata", "true").GET().build();
        try {
            HttpResponse<String> r = client.send(request, HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 200) {
                LOG.info("Azure IMDS at {} answered {}; the region is not detected from it", base, r.statusCode());
                return Optional.empty();
            }
            Map<?, ?> compute = compute(r.body());
            String region = normalizeRegion(text(compute, "location"));
            String zone = text(compute, "zone");
            String faultDomain = text(compute, "platformFaultDomain");
            if (zone == null && faultDomain != null) zone = "fault-domain-" + faultDomain;
            RegionInfo info = RegionInfo.of(region, zone, null, text(compute, "vmId"));
            LOG.info("Azure IMDS: region {}, zone {}", region, zone);
            return Optional.of(info);
        } catch (IOException | RuntimeException e) {
            LOG.info("Azure IMDS at {} did not answer within {} ms ({}); the region is not detected from it", base,
                    timeout.toMillis(), Secrets.safeMessage(e));
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }

    private static Map<?, ?> compute(String body) throws IOException {
        try (JsonReader reader = JsonProviders.createReader(body)) {
            reader.nextToken();
            Object root = reader.readUntyped();
            Object compute = root instanceof Map<?, ?> m ? m.get("compute") : null;
            if (!(compute instanceof Map<?, ?> c)) throw new IOException("no 'compute' object in the IMDS answer");
            return c;
        }
    }

    private static String text(Map<?, ?> m, String key) {
        Object v = m.get(key);
        return v == null ? null : blankToNull(v.toString());
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.trim();
    }

    /** The IMDS base URLs asked so far in this process (tests check which were, and that the real one was not). */
    static java.util.Set<String> imdsAsked() {
        return java.util.Set.copyOf(IMDS_ANSWERS.keySet());
    }
}
