package io.hadr4j.spring;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * {@code hadr4j.datasource.*}: the endpoints of one geo-replicated database and how the router treats them. Unknown
 * keys under this prefix stop the application (a misspelt setting must not be silently ignored).
 */
@ConfigurationProperties(prefix = Hadr4jDataSourceProperties.PREFIX, ignoreUnknownFields = false)
public class Hadr4jDataSourceProperties {

    public static final String PREFIX = "hadr4j.datasource";

    /** Whether to build the RegionAwareDataSource from these properties. */
    private boolean enabled = true;

    /** The router's name: in logs, thread names, metrics tags and the circuit breakers' names ({@code <name>-<endpoint>}). */
    private String name = "hadr4j";

    /**
     * The region this application runs in; reads prefer fresh secondaries of this region. Leave it unset to resolve it
     * the way hadr4j does everywhere (system property hadr.region, HADR_REGION, then App Service or cloud instance
     * metadata). When set, at least one endpoint must be in it.
     */
    private String localRegion;

    /** How often every endpoint is probed in the background. */
    private Duration probeInterval = Duration.ofSeconds(1);

    /** How long one probe of one endpoint may take before the endpoint counts as down. */
    private Duration probeTimeout = Duration.ofSeconds(2);

    /** How long getConnection() waits for a writable primary during a failover before it throws (0: never wait). */
    private Duration failoverTimeout = Duration.ofSeconds(30);

    /** The largest replication lag a read on a secondary may see; beyond it reads go to the primary. */
    private Duration maxReadLag = Duration.ofSeconds(5);

    /** A file that keeps the newest epoch seen across restarts, so that a stale primary stays fenced; default none. */
    private Path epochFile;

    /** Also evict an endpoint's pool when it becomes primary (set it for Azure SQL failover-group listeners). */
    private boolean evictOnPromotion;

    /** The endpoints, one per database server (or failover-group listener); at least one. */
    private List<Endpoint> endpoints = new ArrayList<>();

    /** Entra ID sign-in to Azure SQL (needs ha-azure on the class path). */
    private final Azure azure = new Azure();

    /** Database credentials from an OCI Vault secret (needs ha-oci on the class path). */
    private final Oci oci = new Oci();

    /** One database server and the HikariCP pool that connects to it. */
    public static class Endpoint {

        /** A unique name, for example the server's region or host ("cin", "primary-a"). */
        private String name;

        /** The region the server is in. */
        private String region;

        /** The JDBC URL of the server, for example jdbc:postgresql://orders-a:5432/orders. */
        private String url;

        /** The database user (not with Entra ID or OCI Vault, which supply it). */
        private String username;

        /** The database password (not with Entra ID or OCI Vault, which supply it). */
        private String password;

        /** Lower is preferred when several fresh secondaries of the local region can serve reads. */
        private int priority;

        /**
         * HikariCP settings for this endpoint's pool, with their HikariConfig names in kebab case, for example
         * maximum-pool-size, connection-timeout (ms), data-source-properties.socketTimeout. The starter's defaults:
         * pool-name {@code <router name>-<endpoint name>} and initialization-fail-timeout -1 (an endpoint that is
         * down at startup must not stop the application: the router routes around it).
         */
        private Map<String, String> hikari = new LinkedHashMap<>();

        public String getName() {
            return name;
        }

        public void setName(String name) {
            this.name = name;
        }

        public String getRegion() {
            return region;
        }

        public void setRegion(String region) {
            this.region = region;
        }

        public String getUrl() {
            return url;
        }

        public void setUrl(String url) {
            this.url = url;
        }

        public String getUsername() {
            return username;
        }

        public void setUsername(String username) {
            this.username = username;
        }

        public String getPassword() {
            return password;
        }

        public void setPassword(String password) {
            this.password = password;
        }

        public int getPriority() {
            return priority;
        }

        public void setPriority(int priority) {
            this.priority = priority;
        }

        public Map<String, String> getHikari() {
            return hikari;
        }

        public void setHikari(Map<String, String> hikari) {
            this.hikari = hikari;
        }

        @Override
        public String toString() {
            return "Endpoint{name=" + name + ", region=" + region + ", priority=" + priority + "}"; // no URL, no password
        }
    }

    /** Entra ID access tokens for Azure SQL, from the application's managed identity or DefaultAzureCredential. */
    public static class Azure {

        /** Sign in to every endpoint with an Entra ID token instead of a user and password. */
        private boolean entraId;

        /** The client id of a user-assigned managed identity; unset: DefaultAzureCredential (or a TokenCredential bean). */
        private String managedIdentityClientId;

        /** How long one token request may take before the connection attempt fails. */
        private Duration tokenTimeout = Duration.ofSeconds(10);

        public boolean isEntraId() {
            return entraId;
        }

        public void setEntraId(boolean entraId) {
            this.entraId = entraId;
        }

        public String getManagedIdentityClientId() {
            return managedIdentityClientId;
        }

        public void setManagedIdentityClientId(String managedIdentityClientId) {
            this.managedIdentityClientId = managedIdentityClientId;
        }

        public Duration getTokenTimeout() {
            return tokenTimeout;
        }

        public void setTokenTimeout(Duration tokenTimeout) {
            this.tokenTimeout = tokenTimeout;
        }
    }

    /** Database user and password from an OCI Vault secret, rotated into the pools. */
    public static class Oci {

        /** The secret's OCID (ocid1.vaultsecret...); it holds {"username":"...","password":"..."} or the password alone. */
        private String vaultSecretId;

        /** Who reads the secret: instance-principal (a Compute instance), resource-principal, or config-file. */
        private Auth auth = Auth.INSTANCE_PRINCIPAL;

        /** The region of the Vault, for example ap-mumbai-1; default: the authentication's own region. */
        private String region;

        /** One endpoint for every OCI service instead of the region's (a proxy, or a local server in tests). */
        private String endpoint;

        /** The OCI CLI config file, for auth config-file. */
        private Path configFile = Path.of(System.getProperty("user.home"), ".oci", "config");

        /** The profile of the config file, for auth config-file. */
        private String profile = "DEFAULT";

        /** The database user when the secret holds only a password. */
        private String username;

        /** How often the secret is read again. */
        private Duration refreshInterval = Duration.ofMinutes(5);

        public enum Auth {
            INSTANCE_PRINCIPAL, RESOURCE_PRINCIPAL, CONFIG_FILE
        }

        public String getVaultSecretId() {
            return vaultSecretId;
        }

        public void setVaultSecretId(String vaultSecretId) {
            this.vaultSecretId = vaultSecretId;
        }

        public Auth getAuth() {
            return auth;
        }

        public void setAuth(Auth auth) {
            this.auth = auth;
        }

        public String getRegion() {
            return region;
        }

        public void setRegion(String region) {
            this.region = region;
        }

        public String getEndpoint() {
            return endpoint;
        }

        public void setEndpoint(String endpoint) {
            this.endpoint = endpoint;
        }

        public Path getConfigFile() {
            return configFile;
        }

        public void setConfigFile(Path configFile) {
            this.configFile = configFile;
        }

        public String getProfile() {
            return profile;
        }

        public void setProfile(String profile) {
            this.profile = profile;
        }

        public String getUsername() {
            return username;
        }

        public void setUsername(String username) {
            this.username = username;
        }

        public Duration getRefreshInterval() {
            return refreshInterval;
        }

        public void setRefreshInterval(Duration refreshInterval) {
            this.refreshInterval = refreshInterval;
        }
    }

    public boolean isEnabled() {
        return enabled;
    }

    public void setEnabled(boolean enabled) {
        this.enabled = enabled;
    }

    public String getName() {
        return name;
    }

    public void setName(String name) {
        this.name = name;
    }

    public String getLocalRegion() {
        return localRegion;
    }

    public void setLocalRegion(String localRegion) {
        this.localRegion = localRegion;
    }

    public Duration getProbeInterval() {
        return probeInterval;
    }

    public void setProbeInterval(Duration probeInterval) {
        this.probeInterval = probeInterval;
    }

    public Duration getProbeTimeout() {
        return probeTimeout;
    }

    public void setProbeTimeout(Duration probeTimeout) {
        this.probeTimeout = probeTimeout;
    }

    public Duration getFailoverTimeout() {
        return failoverTimeout;
    }

    public void setFailoverTimeout(Duration failoverTimeout) {
        this.failoverTimeout = failoverTimeout;
    }

    public Duration getMaxReadLag() {
        return maxReadLag;
    }

    public void setMaxReadLag(Duration maxReadLag) {
        this.maxReadLag = maxReadLag;
    }

    public Path getEpochFile() {
        return epochFile;
    }

    public void setEpochFile(Path epochFile) {
        this.epochFile = epochFile;
    }

    public boolean isEvictOnPromotion() {
        return evictOnPromotion;
    }

    public void setEvictOnPromotion(boolean evictOnPromotion) {
        this.evictOnPromotion = evictOnPromotion;
    }

    public List<Endpoint> getEndpoints() {
        return endpoints;
    }

    public void setEndpoints(List<Endpoint> endpoints) {
        this.endpoints = endpoints;
    }

    public Azure getAzure() {
        return azure;
    }

    public Oci getOci() {
        return oci;
    }
}
