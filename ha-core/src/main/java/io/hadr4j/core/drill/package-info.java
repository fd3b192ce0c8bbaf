/**
 * The DR drill: faults, steps, the workload that measures RTO and RPO while they act, and the report.
 */
package io.hadr4j.core.drill;
