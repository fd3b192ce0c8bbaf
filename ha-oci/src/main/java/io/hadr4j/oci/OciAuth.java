package io.hadr4j.oci;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import com.oracle.bmc.auth.AbstractAuthenticationDetailsProvider;
import com.oracle.bmc.auth.ConfigFileAuthenticationDetailsProvider;
import com.oracle.bmc.auth.InstancePrincipalsAuthenticationDetailsProvider;
import com.oracle.bmc.auth.ResourcePrincipalAuthenticationDetailsProvider;

import io.hadr4j.core.Secrets;

/**
 * The ways an application signs its OCI requests, each failing with an {@link OciException} that says what to set up:
 * <ul>
 *   <li>{@link #instancePrincipal()}: on a Compute instance (an instance pool's, for example) that is in a dynamic
 *       group with a policy such as {@code allow dynamic-group app to read secret-bundles in compartment app}. The
 *       SDK gets the instance's certificate from instance metadata and a token from the region's auth service.</li>
 *   <li>{@link #resourcePrincipal()}: in OCI Functions, Container Instances and other services that set the
 *       {@code OCI_RESOURCE_PRINCIPAL_*} environment variables.</li>
 *   <li>{@link #configFile(Path, String)}: a user's API key in an OCI CLI config file (a laptop, CI).</li>
 * </ul>
 * Any other {@link AbstractAuthenticationDetailsProvider} of the SDK works in {@link OciConnection.Builder#authentication} too.
 */
public final class OciAuth {

    private OciAuth() {
    }

    /** This Compute instance's identity. Calls instance metadata and the auth service once, here. */
    public static AbstractAuthenticationDetailsProvider instancePrincipal() {
        try {
            return InstancePrincipalsAuthenticationDetailsProvider.builder().build();
        } catch (RuntimeException e) {
            throw new OciException("instance principal", -1, null, null, false, "could not authenticate as this instance (instance principal): "
                    + Secrets.safeMessage(e) + ". Run on an OCI Compute instance whose dynamic group has the policies it needs;"
                    + " elsewhere use OciAuth.configFile(...)", e);
        }
    }

    /** The resource principal the OCI service running this code provides. */
    public static AbstractAuthenticationDetailsProvider resourcePrincipal() {
        try {
            return ResourcePrincipalAuthenticationDetailsProvider.builder().build();
        } catch (RuntimeException e) {
            throw new OciException("resource principal", -1, null, null, false, "could not authenticate as a resource principal: "
                    + Secrets.safeMessage(e) + ". Resource principals exist in OCI Functions and Container Instances, which set "
                    + "OCI_RESOURCE_PRINCIPAL_VERSION and the variables that go with it; on a Compute instance use OciAuth.instancePrincipal()", e);
        }
    }

    /** The API key of {@code profile} (for example {@code DEFAULT}) in an OCI CLI config file ({@code ~/.oci/config}). */
    public static AbstractAuthenticationDetailsProvider configFile(Path file, String profile) {
        if (!Files.isReadable(file)) {
            throw new OciException("config file", "the OCI config file " + file + " does not exist or cannot be read; create it with "
                    + "'oci setup config' or pass the path of yours");
        }
        try {
            return new ConfigFileAuthenticationDetailsProvider(file.toString(), profile);
        } catch (IOException | RuntimeException e) {
            throw new OciException("config file", -1, null, null, false, "could not use profile " + profile + " of the OCI config file " + file
                    + ": " + Secrets.safeMessage(e) + ". The profile needs user, fingerprint, tenancy, region and key_file", e);
        }
    }
}
