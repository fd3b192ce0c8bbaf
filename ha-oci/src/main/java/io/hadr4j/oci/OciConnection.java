package io.hadr4j.oci;

import java.time.Duration;
import java.util.Objects;

import com.oracle.bmc.ClientConfiguration;
import com.oracle.bmc.Region;
import com.oracle.bmc.auth.AbstractAuthenticationDetailsProvider;
import com.oracle.bmc.auth.RegionProvider;
import com.oracle.bmc.common.ClientBuilderBase;
import com.oracle.bmc.common.RegionalClientBuilder;
import com.oracle.bmc.database.DatabaseClient;
import com.oracle.bmc.retrier.RetryConfiguration;
import com.oracle.bmc.secrets.SecretsClient;
import com.oracle.bmc.util.CircuitBreakerUtils;
import com.oracle.bmc.workrequests.WorkRequestClient;

/**
 * How to reach OCI in one region: who signs the requests ({@link OciAuth}: instance principal, resource principal,
 * a config file, or any SDK provider), the region (or an endpoint that stands in for every service, for a proxy
 * or a test), and the timeouts every call is bounded by. Immutable; {@link Builder#build()} checks everything.
 *
 * <p>The SDK's own retries and circuit breaker are off by default: every operation of this module polls and times
 * out on its own terms, so one call never hides minutes of retries. Pass {@link Builder#retryConfiguration} to
 * turn the SDK's retries on.
 */
public final class OciConnection {

    private final AbstractAuthenticationDetailsProvider authentication;
    private final Region region;
    private final String endpoint;
    private final Duration connectTimeout;
    private final Duration readTimeout;
    private final RetryConfiguration retry;

    private OciConnection(Builder b, Region region) {
        this.authentication = b.authentication;
        this.region = region;
        this.endpoint = b.endpoint;
        this.connectTimeout = b.connectTimeout;
        this.readTimeout = b.readTimeout;
        this.retry = b.retry;
    }

    public static Builder custom() {
        return new Builder();
    }

    /** The region's id ({@code eu-frankfurt-1}), or {@code null} when an endpoint stands in. */
    public String region() {
        return region == null ? null : region.getRegionId();
    }

    /** The endpoint that stands in for every service, or {@code null}. */
    public String endpoint() {
        return endpoint;
    }

    public Duration connectTimeout() {
        return connectTimeout;
    }

    public Duration readTimeout() {
        return readTimeout;
    }

    /** Where calls go, for messages: the region or the endpoint. */
    public String describe() {
        return endpoint != null ? endpoint : region.getRegionId();
    }

    DatabaseClient databaseClient() {
        return configure(DatabaseClient.builder()).build(authentication);
    }

    WorkRequestClient workRequestClient() {
        return configure(WorkRequestClient.builder()).build(authentication);
    }

    SecretsClient secretsClient() {
        return configure(SecretsClient.builder()).build(authentication);
    }

    private <B extends RegionalClientBuilder<B, C>, C> B configure(B builder) {
        ClientConfiguration cfg = ClientConfiguration.builder()
                .connectionTimeoutMillis(millis(connectTimeout)).readTimeoutMillis(millis(readTimeout))
                .retryConfiguration(retry).circuitBreakerConfiguration(CircuitBreakerUtils.getNoCircuitBreakerConfiguration())
                .build();
        builder.configuration(cfg);
        if (endpoint != null) {
            ((ClientBuilderBase<?, ?>) builder).endpoint(endpoint);
        } else {
            builder.region(region);
        }
        return builder;
    }

    private static int millis(Duration d) {
        return (int) Math.min(Integer.MAX_VALUE, d.toMillis());
    }

    @Override
    public String toString() {
        return "OciConnection{" + describe() + ", auth " + authentication.getClass().getSimpleName() + ", connect "
                + connectTimeout.toMillis() + " ms, read " + readTimeout.toMillis() + " ms}";
    }

    public static final class Builder {
        private AbstractAuthenticationDetailsProvider authentication;
        private String regionId;
        private String endpoint;
        private Duration connectTimeout = Duration.ofSeconds(10);
        private Duration readTimeout = Duration.ofSeconds(60);
        private RetryConfiguration retry = RetryConfiguration.NO_RETRY_CONFIGURATION;

        private Builder() {
        }

        /** Who signs the requests: {@link OciAuth#instancePrincipal()}, {@link OciAuth#resourcePrincipal()}, ... */
        public Builder authentication(AbstractAuthenticationDetailsProvider authentication) {
            this.authentication = authentication;
            return this;
        }

        /** The region id, for example {@code eu-frankfurt-1}; defaults to the authentication's own region, if it has one. */
        public Builder region(String regionId) {
            this.regionId = regionId;
            return this;
        }

        /** One endpoint for every service (a proxy, or a local server in tests), instead of the region's. */
        public Builder endpoint(String endpoint) {
            this.endpoint = endpoint;
            return this;
        }

        /** Default 10 s. */
        public Builder connectTimeout(Duration connectTimeout) {
            this.connectTimeout = connectTimeout;
            return this;
        }

        /** How long one call may wait for its answer; default 60 s. */
        public Builder readTimeout(Duration readTimeout) {
            this.readTimeout = readTimeout;
            return this;
        }

        /** The SDK's retries; default {@link RetryConfiguration#NO_RETRY_CONFIGURATION}. */
        public Builder retryConfiguration(RetryConfiguration retry) {
            this.retry = Objects.requireNonNull(retry, "retryConfiguration: pass RetryConfiguration.NO_RETRY_CONFIGURATION for none");
            return this;
        }

        public OciConnection build() {
            if (authentication == null) {
                throw new IllegalArgumentException("authentication is missing: set OciAuth.instancePrincipal() on a Compute instance, "
                        + "OciAuth.resourcePrincipal() in a function or container instance, or OciAuth.configFile(path, profile)");
            }
            positive("connectTimeout", connectTimeout);
            positive("readTimeout", readTimeout);
            Region region = null;
            if (endpoint != null) {
                if (!endpoint.startsWith("http://") && !endpoint.startsWith("https://")) {
                    throw new IllegalArgumentException("endpoint must be an http(s) URL such as https://database.eu-frankfurt-1.oraclecloud.com, got '"
                            + endpoint + "'");
                }
            } else if (regionId != null) {
                region = regionOf(regionId);
            } else if (authentication instanceof RegionProvider rp && rp.getRegion() != null) {
                region = rp.getRegion();
            } else {
                throw new IllegalArgumentException("the region is missing: set region(\"eu-frankfurt-1\") (the region of the resources "
                        + "this connection manages), or endpoint(url)");
            }
            return new OciConnection(this, region);
        }

        private static Region regionOf(String id) {
            try {
                return Region.fromRegionCodeOrId(id.trim());
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("region '" + id + "' is not an OCI region the SDK knows: use a region id such as "
                        + "eu-frankfurt-1 or us-ashburn-1", e);
            }
        }

        private static void positive(String name, Duration d) {
            if (d == null || d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException(name + " must be positive, got " + d + "; for example " + name + "(Duration.ofSeconds(10))");
            }
        }
    }
}
