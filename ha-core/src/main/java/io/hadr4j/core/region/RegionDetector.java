package io.hadr4j.core.region;

import java.util.Optional;

/**
 * Service-provider interface: tells where the process runs on one platform (Azure App Service, OCI
 * instance metadata, ...). Implementations are found with {@link java.util.ServiceLoader} (list the class in
 * {@code META-INF/services/io.hadr4j.core.region.RegionDetector}) and consulted by {@link RegionInfo#resolve()}
 * after explicit configuration and the {@code HADR_REGION}/{@code HADR_ZONE} settings.
 *
 * <p>An implementation must return quickly (a few seconds at most, including any metadata call), must not
 * throw, and returns {@link Optional#empty()} when the process is not on its platform. Fields it does not know
 * are left {@code null} in the {@link RegionInfo#of(String, String, String, String)} it returns.
 */
public interface RegionDetector {

    /** A short name for logs, for example {@code "azure-app-service"}. */
    String name();

    /** What this detector knows, or empty when it does not apply here. */
    Optional<RegionInfo> detect();
}
