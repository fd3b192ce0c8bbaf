package io.hadr4j.azure;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import io.hadr4j.core.region.RegionDetector;
import io.hadr4j.core.region.RegionInfo;

/**
 * The Azure region detector against App Service's variables and a local IMDS server that answers with the documented
 * shape. No test reaches 169.254.169.254: where the default address would be used, the test gives its own.
 */
class AzureRegionDetectorTest {

    private static final Duration ONE_SECOND = Duration.ofSeconds(1);

    @TempDir
    Path dmi;

    private static String imdsBody(String location, String zone, String faultDomain) {
        return "{\"compute\":{\"azEnvironment\":\"AzurePublicCloud\",\"location\":\"" + location + "\",\"name\":\"orders-vm-1\","
                + "\"platformFaultDomain\":\"" + faultDomain + "\",\"platformUpdateDomain\":\"0\",\"resourceGroupName\":\"orders\","
                + "\"vmId\":\"02aab8a4-74ef-476e-8182-f6d2ba4166a6\",\"vmSize\":\"Standard_D2s_v5\",\"zone\":\"" + zone + "\"},"
                + "\"network\":{\"interface\":[]}}";
    }

    private static LocalHttp imds(String body) throws Exception {
        return new LocalHttp(r -> {
            assertEquals("GET", r.method());
            assertEquals("/metadata/instance", r.path());
            assertEquals("2021-02-01", r.query().get("api-version"));
            assertEquals("true", r.header("Metadata"), "IMDS refuses requests without Metadata: true");
            assertNull(r.header("X-Forwarded-For"), "IMDS refuses forwarded requests");
            return LocalHttp.Answer.json(200, body);
        });
    }

    @ParameterizedTest(name = "\"{0}\" is {1}")
    @CsvSource({"Central India, centralindia", "centralindia, centralindia", "CentralIndia, centralindia",
            "South India, southindia", "'  West Europe ', westeurope", "East US 2, eastus2"})
    void regionNamesAreNormalisedAsArmSpellsThem(String given, String expected) {
        assertEquals(expected, AzureRegionDetector.normalizeRegion(given));
    }

    @Test
    void appServiceVariablesGiveTheRegionHostAndInstanceWithoutAnyRequest() throws Exception {
        Map<String, String> env = Map.of("WEBSITE_SITE_NAME", "orders-app-a", "REGION_NAME", "Central India",
                "WEBSITE_HOSTNAME", "orders-app-a.azurewebsites.net", "WEBSITE_INSTANCE_ID", "8d1f2b0c5e",
                "WEBSITE_RESOURCE_GROUP", "orders", "WEBSITE_SKU", "PremiumV3");
        try (LocalHttp server = imds(imdsBody("southindia", "1", "0"))) {
            RegionDetector d = new AzureRegionDetector(env::get, dmi, server.base(), server.base(), ONE_SECOND);
            RegionInfo r = d.detect().orElseThrow();
            assertEquals(RegionInfo.of("centralindia", null, "orders-app-a.azurewebsites.net", "8d1f2b0c5e"), r);
            assertEquals(List.of(), server.requests(), "App Service needs no metadata call");
        }
    }

    @Test
    void onAnAzureVmImdsIsAskedOnceAndGivesRegionZoneAndVmId() throws Exception {
        Files.writeString(dmi.resolve("chassis_asset_tag"), AzureRegionDetector.AZURE_ASSET_TAG + "\n");
        try (LocalHttp server = imds(imdsBody("southindia", "2", "1"))) {
            RegionDetector d = new AzureRegionDetector(k -> null, dmi, null, server.base(), ONE_SECOND);
            RegionInfo r = d.detect().orElseThrow();
            assertEquals("southindia", r.region());
            assertEquals("2", r.zone());
            assertEquals("02aab8a4-74ef-476e-8182-f6d2ba4166a6", r.instance());
            assertEquals(r, d.detect().orElseThrow());
            assertEquals(r, new AzureRegionDetector(k -> null, dmi, null, server.base(), ONE_SECOND).detect().orElseThrow(),
                    "another detector (RegionInfo.resolve() loads a new one each time) reuses the answer");
            assertEquals(1, server.requests().size(), "one call per process: " + server.requests());
            assertEquals(List.of(), server.failures());
        }
    }

    @Test
    void aVmWithoutAnAvailabilityZoneReportsItsFaultDomain() throws Exception {
        try (LocalHttp server = imds(imdsBody("Central India", "", "1"))) {
            RegionInfo r = new AzureRegionDetector(k -> null, dmi, server.base(), "http://unused.invalid", ONE_SECOND).detect().orElseThrow();
            assertEquals("centralindia", r.region());
            assertEquals("fault-domain-1", r.zone());
        }
    }

    @Test
    void offAzureNothingIsAskedAndTheAnswerIsEmpty() throws Exception {
        try (LocalHttp server = imds(imdsBody("southindia", "1", "0"))) {
            RegionDetector noDmi = new AzureRegionDetector(k -> null, dmi.resolve("absent"), null, server.base(), ONE_SECOND);
            assertEquals(Optional.empty(), noDmi.detect(), "no DMI information (not Linux, or a container without sysfs)");
            Files.writeString(dmi.resolve("chassis_asset_tag"), "None\n");
            RegionDetector hyperV = new AzureRegionDetector(k -> null, dmi, null, server.base(), ONE_SECOND);
            assertEquals(Optional.empty(), hyperV.detect(), "another hypervisor's asset tag");
            RegionDetector off = new AzureRegionDetector(k -> null, dmi, "off", server.base(), ONE_SECOND);
            assertEquals(Optional.empty(), off.detect());
            assertEquals(List.of(), server.requests(), "off Azure, no metadata call at all");
        }
        assertFalse(AzureRegionDetector.imdsAsked().contains(AzureRegionDetector.IMDS_BASE), "the real IMDS address was never asked");
    }

    @Test
    void anImdsThatDoesNotAnswerGivesEmptyWithinTheTimeoutAndIsNotAskedAgain() throws Exception {
        try (LocalHttp server = new LocalHttp(r -> LocalHttp.Answer.silence())) {
            RegionDetector d = new AzureRegionDetector(k -> null, dmi, server.base(), server.base(), Duration.ofMillis(300));
            Optional<RegionInfo> r = assertTimeoutPreemptively(Duration.ofSeconds(10), d::detect, "bounded by the 300 ms timeout");
            assertEquals(Optional.empty(), r);
            assertEquals(Optional.empty(), d.detect());
            assertEquals(1, server.requests().size(), "the failure is kept too: one call per process");
        }
        try (LocalHttp server = new LocalHttp(r -> LocalHttp.Answer.json(500, "{\"error\":\"busy\"}"))) {
            assertEquals(Optional.empty(), new AzureRegionDetector(k -> null, dmi, server.base(), server.base(), ONE_SECOND).detect());
        }
        try (LocalHttp server = new LocalHttp(r -> LocalHttp.Answer.json(200, "not json"))) {
            assertEquals(Optional.empty(), new AzureRegionDetector(k -> null, dmi, server.base(), server.base(), ONE_SECOND).detect());
        }
    }

    @Test
    void badSettingsAreRefusedWhenBuilt() {
        IllegalArgumentException url = assertThrows(IllegalArgumentException.class,
                () -> new AzureRegionDetector(k -> null, dmi, "169.254.169.254", AzureRegionDetector.IMDS_BASE, ONE_SECOND));
        assertTrue(url.getMessage().contains("'off' or a base URL such as http://169.254.169.254"), url.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> new AzureRegionDetector(k -> null, dmi, null, AzureRegionDetector.IMDS_BASE, Duration.ofSeconds(2)));
    }

    @Test
    void regionInfoResolveFindsTheDetectorThroughServiceLoader() throws Exception {
        Assumptions.assumeTrue(System.getenv("HADR_REGION") == null && System.getenv("WEBSITE_SITE_NAME") == null
                && System.getenv("REGION_NAME") == null, "this process's environment already names a region");
        boolean listed = false;
        for (RegionDetector d : ServiceLoader.load(RegionDetector.class)) listed |= d instanceof AzureRegionDetector;
        assertTrue(listed, "META-INF/services lists AzureRegionDetector");
        Map<String, String> saved = new HashMap<>();
        for (String p : List.of(AzureRegionDetector.IMDS_PROPERTY, "hadr.region", "hadr.zone")) saved.put(p, System.getProperty(p));
        try (LocalHttp server = imds(imdsBody("centralindia", "3", "0"))) {
            System.clearProperty("hadr.region");
            System.clearProperty("hadr.zone");
            System.setProperty(AzureRegionDetector.IMDS_PROPERTY, server.base());
            RegionInfo r = RegionInfo.resolve();
            assertEquals("centralindia", r.region(), r::toString);
            assertEquals("3", r.zone());
            assertEquals("detector azure", r.source());
        } finally {
            saved.forEach((k, v) -> {
                if (v == null) System.clearProperty(k); else System.setProperty(k, v);
            });
        }
    }
}
