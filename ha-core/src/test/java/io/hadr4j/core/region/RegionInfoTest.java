package io.hadr4j.core.region;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.UnaryOperator;

import org.junit.jupiter.api.Test;

class RegionInfoTest {

    private static final UnaryOperator<String> NONE = k -> null;

    private static RegionDetector detector(String name, RegionInfo info) {
        return new RegionDetector() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public Optional<RegionInfo> detect() {
                return Optional.ofNullable(info);
            }
        };
    }

    @Test
    void explicitConfigurationWinsOverEverything() {
        RegionInfo r = RegionInfo.custom().region("westeurope").zone("1").instance("i-1")
                .build(Map.of("HADR_REGION", "env-region")::get, Map.of("hadr.region", "prop-region")::get,
                        List.of(detector("d", RegionInfo.of("det", "z", "h", "i"))));
        assertEquals("westeurope", r.region());
        assertEquals("1", r.zone());
        assertEquals("i-1", r.instance());
        assertEquals("configuration", r.source());
    }

    @Test
    void systemPropertyThenEnvironmentBeforeDetectors() {
        RegionInfo fromProp = RegionInfo.custom().build(Map.of("HADR_REGION", "env-region", "HADR_ZONE", "env-zone")::get,
                Map.of("hadr.region", "prop-region")::get, List.of(detector("d", RegionInfo.of("det", "dz", null, null))));
        assertEquals("prop-region", fromProp.region());
        assertEquals("env-zone", fromProp.zone());
        assertEquals("system property hadr.region", fromProp.source());

        RegionInfo fromEnv = RegionInfo.custom().build(Map.of("HADR_REGION", "env-region")::get, NONE,
                List.of(detector("d", RegionInfo.of("det", "dz", null, null))));
        assertEquals("env-region", fromEnv.region());
        assertEquals("dz", fromEnv.zone(), "a field the environment lacks comes from the detector");
        assertEquals("environment HADR_REGION", fromEnv.source());
    }

    @Test
    void detectorsInOrderSkippingThoseThatDoNotApplyOrFail() {
        RegionDetector failing = new RegionDetector() {
            @Override
            public String name() {
                return "boom";
            }

            @Override
            public Optional<RegionInfo> detect() {
                throw new IllegalStateException("metadata endpoint unreachable");
            }
        };
        RegionInfo r = RegionInfo.custom().build(NONE, NONE, List.of(failing, detector("absent", null),
                detector("oci-imds", RegionInfo.of("eu-frankfurt-1", "FAULT-DOMAIN-2", "vm1", "ocid1.instance")),
                detector("later", RegionInfo.of("other", "other", "other", "other"))));
        assertEquals("eu-frankfurt-1", r.region());
        assertEquals("FAULT-DOMAIN-2", r.zone());
        assertEquals("vm1", r.hostname());
        assertEquals("ocid1.instance", r.instance());
        assertEquals("detector oci-imds", r.source());
    }

    @Test
    void hostnameAloneWhenNothingKnowsTheRegion() {
        RegionInfo r = RegionInfo.custom().build(NONE, NONE, List.of());
        assertEquals(RegionInfo.UNKNOWN, r.region());
        assertEquals(RegionInfo.UNKNOWN, r.zone());
        assertFalse(r.hostname().isBlank());
        assertEquals(r.hostname(), r.instance());
        assertEquals("hostname only", r.source());
    }

    @Test
    void blankValuesCountAsAbsent() {
        RegionInfo r = RegionInfo.custom().region("  ").build(Map.of("HADR_REGION", " ")::get, NONE, List.of());
        assertEquals(RegionInfo.UNKNOWN, r.region());
    }

    @Test
    void detectorsAreFoundWithServiceLoader() {
        org.junit.jupiter.api.Assumptions.assumeTrue(System.getenv("HADR_REGION") == null && System.getProperty("hadr.region") == null,
                "HADR_REGION or hadr.region is set on this machine and would win over detectors");
        System.setProperty(FakeRegionDetector.PROPERTY, "detected-region");
        try {
            RegionInfo r = RegionInfo.resolve();
            assertEquals("detected-region", r.region());
            assertEquals("instance-7", r.instance());
            assertEquals("detector test", r.source());
        } finally {
            System.clearProperty(FakeRegionDetector.PROPERTY);
        }
    }
}
