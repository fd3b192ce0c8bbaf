/**
 * The region-aware DataSource: {@link io.hadr4j.core.datasource.RegionAwareDataSource} routes writes to the current
 * primary of a geo-replicated database and reads to a fresh secondary of the local region, follows failovers by
 * probing ({@link io.hadr4j.core.datasource.Dialect}) and by watching the errors of the connections it hands out,
 * refuses split brain, and reports what it believes ({@link io.hadr4j.core.datasource.RouterSnapshot},
 * {@link io.hadr4j.core.datasource.RouterEvent}). Configure it with {@link io.hadr4j.core.datasource.RouterConfig}
 * and {@link io.hadr4j.core.datasource.Endpoint}s.
 */
package io.hadr4j.core.datasource;
