package io.hadr4j.core.region;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where the running process is: region, zone (availability zone or fault domain), hostname and instance.
 *
 * <p>{@link #resolve()} and {@link Builder#build()} fill each field from the first source that knows it:
 * <ol>
 *   <li>explicit configuration ({@link #custom()}{@code .region("westeurope")...}),</li>
 *   <li>system properties {@code hadr.region}, {@code hadr.zone}, {@code hadr.instance}, then environment
 *       variables {@code HADR_REGION}, {@code HADR_ZONE}, {@code HADR_INSTANCE},</li>
 *   <li>{@link RegionDetector}s found by {@link ServiceLoader}, in class-path order,</li>
 *   <li>the hostname alone (region and zone {@value #UNKNOWN}, instance = hostname).</li>
 * </ol>
 * Instances are immutable.
 */
public final class RegionInfo {

    /** The value of a field that no source knew. */
    public static final String UNKNOWN = "unknown";

    private static final Logger LOG = LoggerFactory.getLogger(RegionInfo.class);

    private final String region;
    private final String zone;
    private final String hostname;
    private final String instance;
    private final String source;

    private RegionInfo(String region, String zone, String hostname, String instance, String source) {
        this.region = region;
        this.zone = zone;
        this.hostname = hostname;
        this.instance = instance;
        this.source = source;
    }

    /**
     * Literal values, as a {@link RegionDetector} reports them; {@code null} means "not known". No resolution
     * happens here.
     */
    public static RegionInfo of(String region, String zone, String hostname, String instance) {
        return new RegionInfo(blankToNull(region), blankToNull(zone), blankToNull(hostname), blankToNull(instance), "literal");
    }

    /** Resolves everything from system properties, environment, detectors and the hostname. */
    public static RegionInfo resolve() {
        return custom().build();
    }

    /** A builder whose explicit values win over every other source. */
    public static Builder custom() {
        return new Builder();
    }

    /** The region, never null ({@value #UNKNOWN} when no source knew it). */
    public String region() {
        return region;
    }

    /** The zone or fault domain, never null ({@value #UNKNOWN} when no source knew it). */
    public String zone() {
        return zone;
    }

    /** The hostname, never null. */
    public String hostname() {
        return hostname;
    }

    /** The instance (VM, container or App Service instance id); the hostname when nothing better is known. */
    public String instance() {
        return instance;
    }

    /** Where the region came from, for example {@code "environment HADR_REGION"} or {@code "detector oci-imds"}. */
    public String source() {
        return source;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof RegionInfo r && Objects.equals(region, r.region) && Objects.equals(zone, r.zone)
                && Objects.equals(hostname, r.hostname) && Objects.equals(instance, r.instance);
    }

    @Override
    public int hashCode() {
        return Objects.hash(region, zone, hostname, instance);
    }

    @Override
    public String toString() {
        return "RegionInfo{region=" + region + ", zone=" + zone + ", hostname=" + hostname + ", instance=" + instance
                + ", source=" + source + "}";
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.trim();
    }

    /** Explicit values; {@link #build()} resolves the rest. */
    public static final class Builder {
        private String region;
        private String zone;
        private String hostname;
        private String instance;

        private Builder() {
        }

        public Builder region(String region) {
            this.region = blankToNull(region);
            return this;
        }

        public Builder zone(String zone) {
            this.zone = blankToNull(zone);
            return this;
        }

        public Builder hostname(String hostname) {
            this.hostname = blankToNull(hostname);
            return this;
        }

        public Builder instance(String instance) {
            this.instance = blankToNull(instance);
            return this;
        }

        /** Resolves the fields not given explicitly, through the chain described on {@link RegionInfo}. */
        public RegionInfo build() {
            return build(System::getenv, System::getProperty,
                    () -> ServiceLoader.load(RegionDetector.class, RegionInfo.class.getClassLoader()));
        }

        // Package-private so tests can supply the environment, the properties and the detectors.
        RegionInfo build(UnaryOperator<String> env, UnaryOperator<String> props, Iterable<RegionDetector> detectors) {
            return build(env, props, () -> detectors);
        }

        private RegionInfo build(UnaryOperator<String> env, UnaryOperator<String> props,
                                 Supplier<Iterable<RegionDetector>> detectors) {
            List<String> sources = new ArrayList<>();
            String r = region != null ? note(sources, "configuration", region) : null;
            String z = zone;
            String i = instance;
            String h = hostname;
            if (r == null) {
                r = first(sources, props, "hadr.region", "system property ");
                if (r == null) r = first(sources, env, "HADR_REGION", "environment ");
            }
            if (z == null) z = firstQuiet(props, "hadr.zone", env, "HADR_ZONE");
            if (i == null) i = firstQuiet(props, "hadr.instance", env, "HADR_INSTANCE");
            if (r == null || z == null || h == null || i == null) {
                for (RegionDetector d : loadQuietly(detectors)) {
                    Optional<RegionInfo> found = detectQuietly(d);
                    if (found.isEmpty()) continue;
                    RegionInfo f = found.get();
                    if (r == null && f.region != null) r = note(sources, "detector " + d.name(), f.region);
                    if (z == null) z = f.zone;
                    if (h == null) h = f.hostname;
                    if (i == null) i = f.instance;
                    if (r != null && z != null && h != null && i != null) break;
                }
            }
            if (h == null) h = localHostname(env);
            if (r == null) sources.add("hostname only");
            return new RegionInfo(r == null ? UNKNOWN : r, z == null ? UNKNOWN : z, h, i == null ? h : i, sources.get(0));
        }

        private static String note(List<String> sources, String source, String value) {
            sources.add(source);
            return value;
        }

        private static String first(List<String> sources, UnaryOperator<String> lookup, String key, String kind) {
            String v = blankToNull(lookup.apply(key));
            return v == null ? null : note(sources, kind + key, v);
        }

        private static String firstQuiet(UnaryOperator<String> props, String prop, UnaryOperator<String> env, String var) {
            String v = blankToNull(props.apply(prop));
            return v != null ? v : blankToNull(env.apply(var));
        }

        private static Iterable<RegionDetector> loadQuietly(Supplier<Iterable<RegionDetector>> detectors) {
            List<RegionDetector> list = new ArrayList<>();
            try {
                for (RegionDetector d : detectors.get()) list.add(d);
            } catch (RuntimeException | ServiceConfigurationError e) {
                LOG.warn("Could not load a RegionDetector ({}); continuing with the ones that loaded", e.toString());
            }
            return list;
        }

        private static Optional<RegionInfo> detectQuietly(RegionDetector d) {
            try {
                Optional<RegionInfo> r = d.detect();
                return r == null ? Optional.empty() : r;
            } catch (RuntimeException e) {
                LOG.warn("RegionDetector {} failed ({}); ignoring it", d.name(), e.toString());
                return Optional.empty();
            }
        }

        private static String localHostname(UnaryOperator<String> env) {
            try {
                return InetAddress.getLocalHost().getHostName();
            } catch (Exception e) {
                String h = blankToNull(env.apply("HOSTNAME"));
                if (h == null) h = blankToNull(env.apply("COMPUTERNAME"));
                return h == null ? "localhost" : h;
            }
        }
    }
}
