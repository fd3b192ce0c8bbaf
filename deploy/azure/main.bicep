// hadr4j reference app on Azure: one App Service per region (Central India primary, South India secondary),
// Azure Front Door Standard/Premium in front (HEAD probes of /health, origins at priority 1 and 2), and an
// Azure SQL failover group whose read-write listener fails over automatically.
//
//   az deployment group create -g <resource-group> -f main.bicep \
//     -p namePrefix=<unique-prefix> entraAdminLogin=<group name> entraAdminObjectId=<group object id>
//
// No SQL password anywhere: both servers accept Entra ID only (an Entra group as their admin), and each app
// signs in with its system-assigned managed identity (HADR_DB_AUTH=entra-id). The identities become database
// users with the T-SQL of the output 'databaseUsersSql', run once by a member of the admin group.
//
// The app reaches BOTH SQL servers directly (hadr4j probes their roles itself and does not wait for the
// listener's DNS); the failover group's listener is an output for tools that want it.

targetScope = 'resourceGroup'

@description('Prefix of every resource name; Front Door, the web apps and the SQL servers need globally unique names.')
@minLength(3)
@maxLength(16)
param namePrefix string

@description('Region of the primary app and database.')
param primaryLocation string = 'centralindia'

@description('Region of the secondary app and database.')
param secondaryLocation string = 'southindia'

@description('Display name of the Entra ID group (or user) that administers both SQL servers.')
param entraAdminLogin string

@description('Object id of that group or user (az ad group show -g <name> --query id -o tsv).')
param entraAdminObjectId string

@description('Whether the admin is a Group (recommended), a User or an Application.')
@allowed([
  'Group'
  'User'
  'Application'
])
param entraAdminPrincipalType string = 'Group'

@description('Days of point-in-time restore the database keeps (Azure SQL: 1 to 35; 7 is the default of a new database).')
@minValue(1)
@maxValue(35)
param pitrRetentionDays int = 14

@description('App Service plan SKU: P1v3 or above gives zone redundancy and enough memory for the JVM.')
param appServiceSku string = 'P1v3'

@description('Front Door health probe interval in seconds.')
param probeIntervalInSeconds int = 30

@description('Front Door: how many recent probes decide an origin\'s health.')
param sampleSize int = 4

@description('Front Door: how many of those must have succeeded.')
param successfulSamplesRequired int = 3

@description('Minutes of grace before an automatic failover with possible data loss (the RPO you accept for availability).')
param failoverGracePeriodMinutes int = 60

var databaseName = 'app'
var regions = [
  {
    key: 'a'
    location: primaryLocation
    priority: 1
  }
  {
    key: 'b'
    location: secondaryLocation
    priority: 2
  }
]

resource sqlServers 'Microsoft.Sql/servers@2023-08-01-preview' = [for r in regions: {
  name: '${namePrefix}-sql-${r.key}'
  location: r.location
  properties: {
    // Entra ID only: no SQL login, no password. The admin group can create the apps' users.
    administrators: {
      administratorType: 'ActiveDirectory'
      azureADOnlyAuthentication: true
      login: entraAdminLogin
      sid: entraAdminObjectId
      principalType: entraAdminPrincipalType
      tenantId: subscription().tenantId
    }
    minimalTlsVersion: '1.2'
    publicNetworkAccess: 'Enabled'
  }
}]

resource allowAzureServices 'Microsoft.Sql/servers/firewallRules@2023-08-01-preview' = [for (r, i) in regions: {
  parent: sqlServers[i]
  name: 'AllowAllWindowsAzureIps'
  properties: {
    startIpAddress: '0.0.0.0'
    endIpAddress: '0.0.0.0'
  }
}]

resource database 'Microsoft.Sql/servers/databases@2023-08-01-preview' = {
  parent: sqlServers[0]
  name: databaseName
  location: primaryLocation
  sku: {
    name: 'GP_S_Gen5_2'
    tier: 'GeneralPurpose'
  }
  properties: {
    zoneRedundant: false
  }
}

// How far back a point-in-time restore can go (hadr4j's AzureSqlBackupService reads it as earliestRestoreDate).
resource pitrRetention 'Microsoft.Sql/servers/databases/backupShortTermRetentionPolicies@2023-08-01-preview' = {
  parent: database
  name: 'default'
  properties: {
    retentionDays: pitrRetentionDays
    diffBackupIntervalInHours: 12
  }
}

resource failoverGroup 'Microsoft.Sql/servers/failoverGroups@2023-08-01-preview' = {
  parent: sqlServers[0]
  name: '${namePrefix}-fog'
  properties: {
    readWriteEndpoint: {
      failoverPolicy: 'Automatic'
      failoverWithDataLossGracePeriodMinutes: failoverGracePeriodMinutes
    }
    readOnlyEndpoint: {
      failoverPolicy: 'Disabled'
    }
    partnerServers: [
      {
        id: sqlServers[1].id
      }
    ]
    databases: [
      database.id
    ]
  }
}

resource plans 'Microsoft.Web/serverfarms@2023-12-01' = [for r in regions: {
  name: '${namePrefix}-plan-${r.key}'
  location: r.location
  kind: 'linux'
  sku: {
    name: appServiceSku
  }
  properties: {
    reserved: true
  }
}]

// Both apps list both servers, separated by a space: "a" in the primary region, "b" in the secondary.
var dbEndpoints = 'a,${primaryLocation},jdbc:sqlserver://${namePrefix}-sql-a${environment().suffixes.sqlServerHostname}:1433;databaseName=${databaseName};encrypt=true b,${secondaryLocation},jdbc:sqlserver://${namePrefix}-sql-b${environment().suffixes.sqlServerHostname}:1433;databaseName=${databaseName};encrypt=true'

resource apps 'Microsoft.Web/sites@2023-12-01' = [for (r, i) in regions: {
  name: '${namePrefix}-app-${r.key}'
  location: r.location
  kind: 'app,linux'
  identity: {
    // The app signs in to Azure SQL as this identity: a database user named like the app (see databaseUsersSql).
    type: 'SystemAssigned'
  }
  properties: {
    serverFarmId: plans[i].id
    httpsOnly: true
    siteConfig: {
      linuxFxVersion: 'JAVA|17-java17'
      appCommandLine: 'java -jar /home/site/wwwroot/reference-app.jar serve'
      alwaysOn: true
      healthCheckPath: '/health/ready'
      minTlsVersion: '1.2'
      ftpsState: 'Disabled'
      appSettings: [
        {
          // App Service sets PORT, WEBSITE_SITE_NAME and REGION_NAME itself (hadr4j would detect the region from
          // REGION_NAME); HADR_REGION pins the name that matches the database endpoints' regions below.
          name: 'HADR_REGION'
          value: r.location
        }
        {
          name: 'HADR_DB'
          value: dbEndpoints
        }
        {
          // Sign in with the app's managed identity: no user, no password.
          name: 'HADR_DB_AUTH'
          value: 'entra-id'
        }
        {
          // Answer 403 to requests that did not come through this Front Door (health paths excepted).
          name: 'HADR_FRONT_DOOR_ID'
          value: frontDoor.properties.frontDoorId
        }
      ]
    }
  }
}]

resource frontDoor 'Microsoft.Cdn/profiles@2024-02-01' = {
  name: '${namePrefix}-fd'
  location: 'global'
  sku: {
    name: 'Standard_AzureFrontDoor'
  }
  properties: {
    originResponseTimeoutSeconds: 30
  }
}

resource fdEndpoint 'Microsoft.Cdn/profiles/afdEndpoints@2024-02-01' = {
  parent: frontDoor
  name: '${namePrefix}-entry'
  location: 'global'
  properties: {
    enabledState: 'Enabled'
  }
}

resource originGroup 'Microsoft.Cdn/profiles/originGroups@2024-02-01' = {
  parent: frontDoor
  name: 'app-regions'
  properties: {
    healthProbeSettings: {
      probePath: '/health'
      probeRequestType: 'HEAD'
      probeProtocol: 'Https'
      probeIntervalInSeconds: probeIntervalInSeconds
    }
    loadBalancingSettings: {
      sampleSize: sampleSize
      successfulSamplesRequired: successfulSamplesRequired
      additionalLatencyInMilliseconds: 0
    }
    sessionAffinityState: 'Disabled'
  }
}

resource origins 'Microsoft.Cdn/profiles/originGroups/origins@2024-02-01' = [for (r, i) in regions: {
  parent: originGroup
  name: 'app-${r.key}'
  properties: {
    hostName: apps[i].properties.defaultHostName
    originHostHeader: apps[i].properties.defaultHostName
    httpPort: 80
    httpsPort: 443
    priority: r.priority
    weight: 1000
    enabledState: 'Enabled'
    enforceCertificateNameCheck: true
  }
}]

resource route 'Microsoft.Cdn/profiles/afdEndpoints/routes@2024-02-01' = {
  parent: fdEndpoint
  name: 'all'
  dependsOn: [
    origins
  ]
  properties: {
    originGroup: {
      id: originGroup.id
    }
    supportedProtocols: [
      'Http'
      'Https'
    ]
    patternsToMatch: [
      '/*'
    ]
    forwardingProtocol: 'HttpsOnly'
    linkToDefaultDomain: 'Enabled'
    httpsRedirect: 'Enabled'
  }
}

output entryUrl string = 'https://${fdEndpoint.properties.hostName}'
output appUrls array = [for (r, i) in regions: 'https://${apps[i].properties.defaultHostName}']
output failoverGroupListener string = '${failoverGroup.name}${environment().suffixes.sqlServerHostname}'
output dbEndpoints string = dbEndpoints
output frontDoorId string = frontDoor.properties.frontDoorId
// Run once on the primary database as a member of the admin group (az sql / sqlcmd -G / the portal's query editor);
// the users replicate to the geo-secondary with the database.
output databaseUsersSql string = join([for (r, i) in regions: 'CREATE USER [${apps[i].name}] FROM EXTERNAL PROVIDER; ALTER ROLE db_datareader ADD MEMBER [${apps[i].name}]; ALTER ROLE db_datawriter ADD MEMBER [${apps[i].name}]; ALTER ROLE db_ddladmin ADD MEMBER [${apps[i].name}]; GRANT VIEW DATABASE STATE TO [${apps[i].name}];'], ' ')
