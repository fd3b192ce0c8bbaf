package io.hadr4j.oci;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.stream.StreamSupport;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.hadr4j.core.region.RegionDetector;
import io.hadr4j.core.region.RegionInfo;

/** The detector against a local instance metadata v2 server that answers like OCI's, and off OCI. */
class OciRegionDetectorTest {

    private static final String INSTANCE = "ocid1.instance.oc1.iad.anuwcljt2ahsa7qcexample";
    private OciTestServer imds;

    @TempDir
    Path dir;

    @BeforeEach
    void start() throws Exception {
        imds = OciTestServer.unsigned();
    }

    @AfterEach
    void stop() {
        imds.close();
    }

    /** Answers like IMDS v2: 401 without {@code Authorization: Bearer Oracle} or with a forwarding header. */
    private void serve(Map<String, Object> body) {
        imds.on("GET", "/opc/v2/instance/", r -> {
            if (!"Bearer Oracle".equals(r.header("authorization"))) return OciTestServer.error(401, "NotAuthenticated", "header required");
            if (r.headers().keySet().stream().anyMatch(h -> h.equals("forwarded") || h.startsWith("x-forwarded-"))) {
                return OciTestServer.error(401, "NotAuthenticated", "forwarded requests are refused");
            }
            return OciTestServer.json(200, body);
        });
    }

    private static Map<String, Object> instance(String canonicalRegionName, String region) {
        java.util.LinkedHashMap<String, Object> m = new java.util.LinkedHashMap<>();
        m.put("availabilityDomain", "pqpf:US-ASHBURN-AD-1");
        m.put("ociAdName", "iad-ad-1");
        m.put("faultDomain", "FAULT-DOMAIN-2");
        m.put("compartmentId", "ocid1.compartment.oc1..aaaa");
        m.put("displayName", "app-1");
        m.put("hostname", "app-1");
        m.put("id", INSTANCE);
        m.put("image", "ocid1.image.oc1.iad.aaaa");
        m.put("metadata", Map.of("ssh_authorized_keys", "ssh-rsa AAAA"));
        if (region != null) m.put("region", region);
        if (canonicalRegionName != null) m.put("canonicalRegionName", canonicalRegionName);
        m.put("shape", "VM.Standard.E5.Flex");
        m.put("state", "Running");
        m.put("timeCreated", 1764600000000L);
        return m;
    }

    private OciRegionDetector detector(Path assetTag) {
        return new OciRegionDetector(imds.url() + "/opc/v2/", assetTag, Duration.ofSeconds(1));
    }

    @Test
    void regionZoneHostAndInstanceFromMetadataV2WithTheHeaderItRequires() {
        serve(instance("us-ashburn-1", "iad"));
        OciRegionDetector d = detector(null);
        RegionInfo info = d.detect().orElseThrow();
        assertEquals("us-ashburn-1", info.region());
        assertEquals("pqpf:US-ASHBURN-AD-1/FAULT-DOMAIN-2", info.zone());
        assertEquals("app-1", info.hostname());
        assertEquals(INSTANCE, info.instance());

        List<OciTestServer.Request> seen = imds.requests();
        assertEquals(1, seen.size(), seen.toString());
        assertEquals("GET", seen.get(0).method());
        assertEquals("/opc/v2/instance/", seen.get(0).path());
        assertNull(seen.get(0).query());
        assertEquals("Bearer Oracle", seen.get(0).header("Authorization"));
        assertTrue(seen.get(0).headers().keySet().stream().noneMatch(h -> h.equals("forwarded") || h.startsWith("x-forwarded-")),
                seen.get(0).headers().toString());

        assertEquals(Optional.of(info), d.detect(), "the answer is kept");
        assertEquals(1, imds.requests().size(), "one call per detector, not one per detect()");
    }

    @Test
    void anOldInstanceThatOnlyHasTheShortRegionKeyGetsTheFullName() {
        serve(instance(null, "iad"));
        assertEquals("us-ashburn-1", detector(null).detect().orElseThrow().region());
    }

    @Test
    void theShortKeyIsNeverReportedEvenWhenUnknown() {
        serve(instance(null, "zzq"));
        RegionInfo info = detector(null).detect().orElseThrow();
        assertNull(info.region(), "an unknown short key leaves the region unknown: " + info);
        assertEquals("pqpf:US-ASHBURN-AD-1/FAULT-DOMAIN-2", info.zone(), "the zone is still known");
    }

    @Test
    void refusalsAndGarbageGiveEmptyNeverAnException() {
        imds.on("GET", "/opc/v2/instance/", r -> OciTestServer.error(404, "NotFound", "v2 disabled"));
        assertEquals(Optional.empty(), detector(null).detect());
        imds.on("GET", "/opc/v2/instance/", r -> new OciTestServer.Response(200, Map.of(), "<html>captive portal</html>"));
        assertEquals(Optional.empty(), detector(null).detect());
        assertEquals(Optional.empty(), new OciRegionDetector("http://127.0.0.1:1/opc/v2/", null, Duration.ofMillis(500)).detect());
    }

    @Test
    void aMetadataServiceThatDoesNotAnswerIsGivenUpOnWithinTheTimeout() {
        imds.on("GET", "/opc/v2/instance/", imds.noAnswer());
        OciRegionDetector d = detector(null);
        // The bound is the detector's own one-second timeout; the preemptive limit only keeps a broken build from hanging.
        assertEquals(Optional.empty(), assertTimeoutPreemptively(Duration.ofSeconds(20), d::detect));
        assertEquals(1, imds.requests().size());
    }

    @Test
    void offOciTheAssetTagSaysSoAndNothingIsCalled() throws Exception {
        serve(instance("us-ashburn-1", "iad"));
        Path missing = dir.resolve("no-such-file");
        assertEquals(Optional.empty(), detector(missing).detect());
        Path otherCloud = Files.writeString(dir.resolve("chassis_asset_tag"), "Amazon EC2\n");
        assertEquals(Optional.empty(), detector(otherCloud).detect());
        assertEquals(List.of(), imds.requests(), "off OCI no metadata call is made");

        Path oci = Files.writeString(dir.resolve("oci_asset_tag"), "OracleCloud.com\n");
        assertEquals("us-ashburn-1", detector(oci).detect().orElseThrow().region());
        assertEquals(1, imds.requests().size());
    }

    @Test
    void theBaseUrlComesFromTheSystemPropertyThenTheSdksVariableAndSkipsTheAssetTag() {
        String base = imds.url() + "/opc/v2/";
        assertEquals(base, new OciRegionDetector(k -> k.equals(OciRegionDetector.BASE_URL_PROPERTY) ? base : null, k -> "http://10.9.9.9/x/").baseUrl());
        assertEquals(base, new OciRegionDetector(k -> null, k -> k.equals(OciRegionDetector.BASE_URL_ENV) ? imds.url() + "/opc/v2" : null).baseUrl());
        assertEquals(OciRegionDetector.DEFAULT_BASE_URL, new OciRegionDetector(k -> null, k -> null).baseUrl());
        assertTrue(new OciRegionDetector(k -> null, k -> null).toString().contains(OciRegionDetector.ASSET_TAG_FILE));
        assertTrue(!new OciRegionDetector(k -> base, k -> null).toString().contains(OciRegionDetector.ASSET_TAG_FILE));
    }

    @Test
    void badSettingsFailWhenTheDetectorIsBuilt() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new OciRegionDetector("ftp://x/", null, Duration.ofSeconds(1)));
        assertTrue(e.getMessage().contains("must be an http URL such as http://169.254.169.254/opc/v2/"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new OciRegionDetector(imds.url(), null, Duration.ofSeconds(5)));
        assertTrue(e.getMessage().contains("at most 1000 ms"), e.getMessage());
    }

    @Test
    void registeredForServiceLoaderAndUsedByRegionInfo() {
        List<String> names = StreamSupport.stream(ServiceLoader.load(RegionDetector.class).spliterator(), false)
                .map(RegionDetector::name).toList();
        assertTrue(names.contains("oci-imds"), names.toString());

        serve(instance("eu-frankfurt-1", "fra"));
        System.setProperty(OciRegionDetector.BASE_URL_PROPERTY, imds.url() + "/opc/v2/");
        try {
            RegionInfo info = RegionInfo.resolve();
            if (System.getenv("HADR_REGION") == null) {
                assertEquals("eu-frankfurt-1", info.region());
                assertEquals("detector oci-imds", info.source());
            }
            if (System.getenv("HADR_ZONE") == null) assertEquals("pqpf:US-ASHBURN-AD-1/FAULT-DOMAIN-2", info.zone());
            if (System.getenv("HADR_INSTANCE") == null) assertEquals(INSTANCE, info.instance());
        } finally {
            System.clearProperty(OciRegionDetector.BASE_URL_PROPERTY);
        }
    }
}
