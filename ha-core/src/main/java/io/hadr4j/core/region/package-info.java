/**
 * Where this process runs: {@link io.hadr4j.core.region.RegionInfo}, resolved from configuration, {@code HADR_*}
 * settings and {@link io.hadr4j.core.region.RegionDetector} service providers (ha-azure, ha-oci).
 */
package io.hadr4j.core.region;
