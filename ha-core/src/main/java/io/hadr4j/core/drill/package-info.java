/**
 * The DR drill: a {@link io.hadr4j.core.drill.Drill} runs a {@link io.hadr4j.core.drill.Workload} (requests through
 * an entry URL, sequence-numbered writes through a DataSource) while its {@link io.hadr4j.core.drill.Step}s act one
 * at a time ({@link io.hadr4j.core.drill.Step.Inject} a {@link io.hadr4j.core.drill.Fault}, or
 * {@link io.hadr4j.core.drill.Step.Restore} a bad delete by a point-in-time restore), and measures per step and per
 * {@link io.hadr4j.core.drill.Layer} the RTO and the RPO against the {@link io.hadr4j.core.drill.Objectives}: the
 * {@link io.hadr4j.core.drill.DrillReport}, as JSON and as a self-contained HTML page.
 *
 * <p>Faults come with the platform they act on: {@link io.hadr4j.core.drill.ShellCommandFault} here, the testkit's
 * in ha-testkit ({@code DrillFaults}), the clouds' in ha-azure and ha-oci.
 */
package io.hadr4j.core.drill;
