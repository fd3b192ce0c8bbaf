package io.hadr4j.oci;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.UnaryOperator;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.hadr4j.core.Secrets;
import io.hadr4j.core.region.RegionDetector;
import io.hadr4j.core.region.RegionInfo;

/**
 * Where an OCI Compute instance runs, from instance metadata v2 ({@code GET <base>/instance/} with
 * {@code Authorization: Bearer Oracle}): region = {@code canonicalRegionName} (the full name such as
 * {@code us-ashburn-1}; an old instance's short {@code region} key such as {@code iad} is translated with the SDK's
 * region table, never reported as is), zone = {@code <availabilityDomain>/<faultDomain>}, hostname, instance = the
 * instance's OCID. Found by {@link java.util.ServiceLoader}, consulted by {@link RegionInfo#resolve()}.
 *
 * <p>Off OCI it answers empty at once, without a network call: it first reads the DMI chassis asset tag
 * ({@value #ASSET_TAG_FILE}), which OCI sets to {@value #OCI_ASSET_TAG} on bare metal and virtual machines alike.
 * Setting the metadata base URL ({@value #BASE_URL_PROPERTY} system property, else the SDK's own
 * {@value #BASE_URL_ENV} environment variable) skips that check, so that a test or a proxy can stand in. Every call
 * is bounded by at most one second, made at most once per process and base URL, and the detector never throws.
 */
public final class OciRegionDetector implements RegionDetector {

    /** System property that sets the metadata base URL, for example {@code http://127.0.0.1:8123/opc/v2/}. */
    public static final String BASE_URL_PROPERTY = "hadr4j.oci.metadataBaseUrl";
    /** The OCI SDK's own environment variable for the same. */
    public static final String BASE_URL_ENV = "OCI_METADATA_BASE_URL";
    /** Instance metadata v2 on every OCI instance. */
    public static final String DEFAULT_BASE_URL = "http://169.254.169.254/opc/v2/";
    /** The DMI file that identifies the platform. */
    public static final String ASSET_TAG_FILE = "/sys/class/dmi/id/chassis_asset_tag";
    /** What OCI writes into it. */
    public static final String OCI_ASSET_TAG = "OracleCloud.com";
    /** The longest a metadata call may take. */
    public static final Duration MAX_TIMEOUT = Duration.ofSeconds(1);

    private static final Logger LOG = LoggerFactory.getLogger(OciRegionDetector.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    /** The answers of the detectors {@link java.util.ServiceLoader} makes: one metadata call per process and base URL. */
    private static final Map<String, Optional<RegionInfo>> PROCESS_ANSWERS = new ConcurrentHashMap<>();

    private final String baseUrl;
    private final Path assetTagFile;
    private final Duration timeout;
    private final Map<String, Optional<RegionInfo>> answers;

    /** As {@link java.util.ServiceLoader} makes it: base URL from {@value #BASE_URL_PROPERTY} or {@value #BASE_URL_ENV}. */
    public OciRegionDetector() {
        this(System::getProperty, System::getenv);
    }

    OciRegionDetector(UnaryOperator<String> props, UnaryOperator<String> env) {
        String configured = blankToNull(props.apply(BASE_URL_PROPERTY));
        if (configured == null) configured = blankToNull(env.apply(BASE_URL_ENV));
        this.baseUrl = withSlash(configured != null ? configured : DEFAULT_BASE_URL);
        this.assetTagFile = configured != null ? null : Path.of(ASSET_TAG_FILE);
        this.timeout = MAX_TIMEOUT;
        this.answers = PROCESS_ANSWERS;
    }

    /**
     * A detector of its own (its answer is kept by this instance only).
     *
     * @param baseUrl      the metadata base URL, for example {@value #DEFAULT_BASE_URL}
     * @param assetTagFile the DMI asset tag to check first, or {@code null} to call the metadata service unchecked
     * @param timeout      how long the call may take; at most {@link #MAX_TIMEOUT}
     */
    public OciRegionDetector(String baseUrl, Path assetTagFile, Duration timeout) {
        Objects.requireNonNull(baseUrl, "baseUrl: the metadata base URL, for example " + DEFAULT_BASE_URL);
        Objects.requireNonNull(timeout, "timeout");
        if (timeout.isNegative() || timeout.isZero() || timeout.compareTo(MAX_TIMEOUT) > 0) {
            throw new IllegalArgumentException("timeout must be more than 0 and at most " + MAX_TIMEOUT.toMillis() + " ms, got "
                    + timeout.toMillis() + " ms");
        }
        URI uri = URI.create(withSlash(baseUrl));
        if (!"http".equals(uri.getScheme()) || uri.getHost() == null) {
            throw new IllegalArgumentException("baseUrl must be an http URL such as " + DEFAULT_BASE_URL + ", got '" + baseUrl + "'");
        }
        this.baseUrl = uri.toString();
        this.assetTagFile = assetTagFile;
        this.timeout = timeout;
        this.answers = new ConcurrentHashMap<>();
    }

    @Override
    public String name() {
        return "oci-imds";
    }

    /** The metadata base URL this detector calls when the platform is OCI. */
    public String baseUrl() {
        return baseUrl;
    }

    @Override
    public Optional<RegionInfo> detect() {
        try {
            return answers.computeIfAbsent(baseUrl, k -> detectOnce());
        } catch (RuntimeException e) { // never throws: RegionDetector's contract
            LOG.debug("OCI instance metadata: {}", Secrets.safeMessage(e));
            return Optional.empty();
        }
    }

    private Optional<RegionInfo> detectOnce() {
        if (assetTagFile != null && !onOci(assetTagFile)) {
            LOG.debug("not an OCI instance ({} does not say {}); no metadata call", assetTagFile, OCI_ASSET_TAG);
            return Optional.empty();
        }
        String url = baseUrl + "instance/";
        try {
            String body = get(url);
            Optional<RegionInfo> info = parse(body);
            info.ifPresent(i -> LOG.info("OCI instance metadata: region {}, zone {}, instance {}", i.region(), i.zone(), i.instance()));
            return info;
        } catch (IOException e) {
            LOG.warn("OCI instance metadata at {} did not answer usefully ({}); region not detected from it", url, Secrets.safeMessage(e));
            return Optional.empty();
        }
    }

    private static boolean onOci(Path assetTag) {
        try {
            return OCI_ASSET_TAG.equals(Files.readString(assetTag, StandardCharsets.US_ASCII).trim());
        } catch (IOException | RuntimeException e) {
            return false; // not Linux, or no DMI data: not a Compute instance
        }
    }

    private String get(String url) throws IOException {
        HttpClient client = HttpClient.newBuilder().connectTimeout(timeout).proxy(HttpClient.Builder.NO_PROXY)
                .followRedirects(HttpClient.Redirect.NEVER).build();
        HttpRequest request = HttpRequest.newBuilder(URI.create(url)).timeout(timeout)
                .header("Authorization", "Bearer Oracle").header("Accept", "application/json").GET().build();
        HttpResponse<String> response;
        try {
            response = client.sendAsync(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8))
                    .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw new IOException("no answer within " + timeout.toMillis() + " ms");
        } catch (ExecutionException e) {
            throw new IOException(Secrets.safeMessage(e.getCause()), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted");
        }
        if (response.statusCode() != 200) throw new IOException("HTTP " + response.statusCode());
        return response.body();
    }

    /** The region, zone, host and instance in a {@code /opc/v2/instance/} answer; empty when it names no region. */
    static Optional<RegionInfo> parse(String body) throws IOException {
        JsonNode n = JSON.readTree(body);
        if (n == null || !n.isObject()) throw new IOException("the answer is not a JSON object");
        String region = text(n, "canonicalRegionName");
        if (region == null) region = fullRegionName(text(n, "region"));
        String ad = text(n, "availabilityDomain");
        String fd = text(n, "faultDomain");
        String zone = ad == null ? fd : fd == null ? ad : ad + "/" + fd;
        if (region == null && zone == null) return Optional.empty();
        return Optional.of(RegionInfo.of(region, zone, text(n, "hostname"), text(n, "id")));
    }

    /** {@code us-ashburn-1} for {@code iad}; an unknown short key gives {@code null}: a short key is never reported. */
    static String fullRegionName(String key) {
        if (key == null) return null;
        try { // the SDK's table (and its region config file); it asks instance metadata only when told to, which we never do
            return com.oracle.bmc.Region.fromRegionCodeOrId(key.toLowerCase(java.util.Locale.ROOT)).getRegionId();
        } catch (IllegalArgumentException e) {
            // unknown: below
        }
        LOG.warn("OCI instance metadata names region '{}', which is not a region the SDK knows; set HADR_REGION", key);
        return null;
    }

    private static String text(JsonNode n, String field) {
        JsonNode v = n.get(field);
        return v == null || !v.isTextual() || v.asText().isBlank() ? null : v.asText().trim();
    }

    private static String withSlash(String url) {
        return url.endsWith("/") ? url : url + "/";
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.trim();
    }

    @Override
    public String toString() {
        return "OciRegionDetector{" + baseUrl + (assetTagFile != null ? ", only where " + assetTagFile + " says " + OCI_ASSET_TAG : "") + "}";
    }
}
