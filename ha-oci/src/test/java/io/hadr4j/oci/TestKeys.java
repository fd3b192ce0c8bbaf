package io.hadr4j.oci;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.security.interfaces.RSAPublicKey;
import java.time.Duration;
import java.util.Base64;

import com.oracle.bmc.auth.SimpleAuthenticationDetailsProvider;

/** An RSA key generated for one test class, and the SDK's simple provider over it: what signs the requests. */
final class TestKeys {
    static final String TENANCY = "ocid1.tenancy.oc1..aaaaaaaatesttenancy";
    static final String USER = "ocid1.user.oc1..aaaaaaaatestuser";
    static final String FINGERPRINT = "20:3b:97:13:55:1c:5b:0d:d3:37:d8:50:4e:c5:3a:34";

    final KeyPair pair;

    TestKeys() {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
            g.initialize(2048);
            pair = g.generateKeyPair();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The keyId the SDK puts into the Authorization header. */
    String keyId() {
        return TENANCY + "/" + USER + "/" + FINGERPRINT;
    }

    RSAPublicKey publicKey() {
        return (RSAPublicKey) pair.getPublic();
    }

    String privateKeyPem() {
        return "-----BEGIN PRIVATE KEY-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(pair.getPrivate().getEncoded())
                + "\n-----END PRIVATE KEY-----\n";
    }

    SimpleAuthenticationDetailsProvider provider() {
        byte[] pem = privateKeyPem().getBytes(StandardCharsets.US_ASCII);
        return SimpleAuthenticationDetailsProvider.builder().tenantId(TENANCY).userId(USER).fingerprint(FINGERPRINT)
                .privateKeySupplier(() -> new ByteArrayInputStream(pem)).build();
    }

    /** A connection to a local server that stands in for every OCI service, with short timeouts. */
    OciConnection connection(OciTestServer server) {
        return OciConnection.custom().authentication(provider()).endpoint(server.url())
                .connectTimeout(Duration.ofSeconds(2)).readTimeout(Duration.ofSeconds(2)).build();
    }
}
