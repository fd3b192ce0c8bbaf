package io.hadr4j.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import io.hadr4j.core.Secrets;

/**
 * deploy/azure/main.bicep against the app that reads it: every app setting it gives the web apps is one the app reads,
 * and what it sets (the region, both servers, Entra ID sign-in, the Front Door id) configures the app as meant, with
 * no password. There is no Bicep compiler here, so the file is read as text: its app settings, the variable they
 * use, and the resources the setup depends on (managed identities, Entra-only servers, the restore retention).
 */
class DeployAzureSettingsTest {

    static final Path BICEP = Path.of("..", "deploy", "azure", "main.bicep");
    /** What the Bicep expressions the settings use evaluate to, for a deployment with namePrefix 'demo'. */
    static final Map<String, String> SAMPLE = Map.of(
            "namePrefix", "demo", "primaryLocation", "centralindia", "secondaryLocation", "southindia", "databaseName", "app",
            "environment().suffixes.sqlServerHostname", ".database.windows.net",
            "r.location", "centralindia", "frontDoor.properties.frontDoorId", "1f0a5e5c-9f6b-4d53-8f2e-3a4b5c6d7e8f");

    @Test
    void theAppSettingsTheDeploymentSetsAreTheOnesTheAppReads() throws Exception {
        String bicep = Files.readString(BICEP);
        Map<String, String> settings = appSettings(bicep);
        assertEquals(Set.of("HADR_REGION", "HADR_DB", "HADR_DB_AUTH", "HADR_FRONT_DOOR_ID"), settings.keySet(), "the settings in " + BICEP);
        for (String name : settings.keySet()) {
            assertFalse(Secrets.isSecretName(name), name + ": the deployment holds no secret");
        }

        Set<String> read = new TreeSet<>();
        AppConfig config = AppConfig.from(Options.parse(List.of(), name -> {
            read.add(name);
            return settings.get(name);
        }));
        assertTrue(read.containsAll(settings.keySet()), "settings the app never reads: " + new TreeSet<>(settings.keySet()) + " minus " + read);

        assertEquals("centralindia", config.region());
        assertEquals(2, config.endpoints().size());
        assertEquals("a", config.endpoints().get(0).name());
        assertEquals("southindia", config.endpoints().get(1).region());
        assertEquals("jdbc:sqlserver://demo-sql-b.database.windows.net:1433;databaseName=app;encrypt=true", config.endpoints().get(1).jdbcUrl());
        assertEquals(AppSql.SQLSERVER, AppSql.of(config.endpoints()));
        assertNotNull(config.dbTokens(), "HADR_DB_AUTH=entra-id: the managed identity signs in");
        assertNull(config.dbUser());
        assertNull(config.dbPassword().reveal());
        assertNotNull(config.frontDoorGuard(), "HADR_FRONT_DOOR_ID: the Front Door guard is on");
    }

    @Test
    void theDeploymentUsesManagedIdentitiesEntraOnlyServersAndAPitrRetention() throws Exception {
        String bicep = Files.readString(BICEP);
        assertTrue(Pattern.compile("resource apps 'Microsoft.Web/sites@[^']+'[\\s\\S]*?identity:\\s*\\{[^}]*type:\\s*'SystemAssigned'").matcher(bicep).find(),
                "each web app has a system-assigned identity");
        assertTrue(Pattern.compile("administratorType:\\s*'ActiveDirectory'\\s+azureADOnlyAuthentication:\\s*true").matcher(bicep).find(),
                "both servers: an Entra ID admin, Entra ID only");
        assertFalse(bicep.contains("administratorLoginPassword"), "no SQL password");
        assertFalse(Pattern.compile("@secure\\(\\)").matcher(bicep).find(), "no secret parameter at all");
        assertTrue(Pattern.compile("backupShortTermRetentionPolicies@[^']+'[\\s\\S]*?retentionDays:\\s*pitrRetentionDays").matcher(bicep).find(),
                "the point-in-time-restore retention is set");
        assertTrue(bicep.contains("FROM EXTERNAL PROVIDER"), "the output that makes the identities database users");
    }

    /** The name/value pairs of the web apps' appSettings, their values evaluated with {@link #SAMPLE}. */
    static Map<String, String> appSettings(String bicep) {
        int start = bicep.indexOf("appSettings: [");
        int end = bicep.indexOf("\n      ]", start);
        if (start < 0 || end < 0) fail("no appSettings block in " + BICEP);
        Map<String, String> out = new LinkedHashMap<>();
        Matcher m = Pattern.compile("name:\\s*'([^']+)'\\s*\\n\\s*value:\\s*(.+)").matcher(bicep.substring(start, end));
        while (m.find()) {
            out.put(m.group(1), evaluate(bicep, m.group(2).trim()));
        }
        return out;
    }

    private static String evaluate(String bicep, String expression) {
        if (expression.startsWith("'") && expression.endsWith("'")) return interpolate(expression.substring(1, expression.length() - 1));
        if (SAMPLE.containsKey(expression)) return SAMPLE.get(expression);
        Matcher var = Pattern.compile("(?m)^var " + Pattern.quote(expression) + " = '(.*)'$").matcher(bicep);
        if (var.find()) return interpolate(var.group(1));
        fail("add a sample value for the Bicep expression '" + expression + "' to " + DeployAzureSettingsTest.class.getSimpleName());
        return null;
    }

    private static String interpolate(String template) {
        Matcher m = Pattern.compile("\\$\\{([^}]+)}").matcher(template);
        StringBuilder sb = new StringBuilder();
        while (m.find()) {
            String v = SAMPLE.get(m.group(1));
            if (v == null) fail("add a sample value for '${" + m.group(1) + "}' to " + DeployAzureSettingsTest.class.getSimpleName());
            m.appendReplacement(sb, Matcher.quoteReplacement(v));
        }
        m.appendTail(sb);
        return sb.toString();
    }
}
