/**
 * Oracle Cloud Infrastructure for hadr4j: where an instance runs ({@link io.hadr4j.oci.OciRegionDetector}, instance
 * metadata v2), database credentials read from OCI Vault and rotated into the pools
 * ({@link io.hadr4j.oci.VaultCredentials}), Autonomous Database backups and point-in-time restore into a new database
 * ({@link io.hadr4j.oci.AutonomousBackupService}), and Autonomous Data Guard switchover and failover
 * ({@link io.hadr4j.oci.AutonomousDataGuard}), which are also the drill's database faults on OCI. Every call to OCI goes
 * through the SDK's own clients, signed by an {@link io.hadr4j.oci.OciConnection}; every failure is an
 * {@link io.hadr4j.oci.OciException} that says what OCI answered.
 */
package io.hadr4j.oci;
