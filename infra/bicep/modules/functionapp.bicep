// The function app on the Flex Consumption plan (FC1), runtime 'custom': the Functions host starts the handler
// (host.json customHandler), posts Event Hubs and timer invocations to it and proxies HTTP. The runtime identity
// (storage, Event Hubs, Key Vault, telemetry) already holds its roles when the app is created (modules/identity.bicep
// says why). The package is deployed to and read from its own account with a second identity, the only one allowed to
// write it (modules/packagestorage.bicep); both identities are attached, because the platform can use only an identity
// the app has.
//
// Fallback where Flex Consumption is not offered: a Linux Consumption plan (sku Y1, kind 'functionapp,linux',
// reserved: true) with FUNCTIONS_WORKER_RUNTIME=custom, FUNCTIONS_EXTENSION_VERSION=~4, an empty linuxFxVersion
// (the platform expects none for a custom handler) and the same app settings. Microsoft retires Linux Consumption on
// 30 September 2028; prefer Flex.
param location string
param tags object
param identityId string
param identityClientId string
param deploymentIdentityId string
param planName string
param siteName string
param storageAccountName string
param deploymentContainerUrl string
param tableServiceUri string
param blobServiceUri string
param insightsConnectionString string
param eventHubNamespaceHost string
param eventHubName string
param consumerGroupName string
param keyHashSecretUri string
param instanceMemoryMB int
param maximumInstanceCount int
param httpPerInstanceConcurrency int
param planLimits object
param riskFreeRate string
param dividendYield string

resource plan 'Microsoft.Web/serverfarms@2024-04-01' = {
  name: planName
  location: location
  tags: tags
  kind: 'functionapp'
  sku: { name: 'FC1', tier: 'FlexConsumption' }
  properties: { reserved: true }
}

resource site 'Microsoft.Web/sites@2024-04-01' = {
  name: siteName
  location: location
  tags: tags
  kind: 'functionapp,linux'
  identity: { type: 'UserAssigned', userAssignedIdentities: { '${identityId}': {}, '${deploymentIdentityId}': {} } }
  properties: {
    serverFarmId: plan.id
    httpsOnly: true
    keyVaultReferenceIdentity: identityId
    siteConfig: {
      minTlsVersion: '1.2'
      ftpsState: 'Disabled'
    }
    functionAppConfig: {
      deployment: {
        storage: {
          type: 'blobContainer'
          value: deploymentContainerUrl
          authentication: { type: 'UserAssignedIdentity', userAssignedIdentityResourceId: deploymentIdentityId }
        }
      }
      scaleAndConcurrency: {
        instanceMemoryMB: instanceMemoryMB
        maximumInstanceCount: maximumInstanceCount
        // Every open live stream holds a request slot for up to 540 s, so the default of 16 (at 2,048 MB) would fill
        // an instance with 16 streams (README, "Streams and HTTP concurrency").
        triggers: { http: { perInstanceConcurrency: httpPerInstanceConcurrency } }
      }
      runtime: { name: 'custom', version: '1.0' }
    }
  }
}

// No basic-auth publishing: deployments sign in with Entra ID (az functionapp deployment, the package container).
resource scmBasicAuth 'Microsoft.Web/sites/basicPublishingCredentialsPolicies@2024-04-01' = {
  parent: site
  name: 'scm'
  properties: { allow: false }
}

resource ftpBasicAuth 'Microsoft.Web/sites/basicPublishingCredentialsPolicies@2024-04-01' = {
  parent: site
  name: 'ftp'
  properties: { allow: false }
}

// Every setting the app and the host read (README "Configuration reference"; a test checks this list against the
// settings the app reads in function-app mode). No secret values: storage, Event Hubs and telemetry use the identity,
// and the key-hashing secret is a Key Vault reference.
resource appSettings 'Microsoft.Web/sites/config@2024-04-01' = {
  parent: site
  name: 'appsettings'
  properties: {
    // app settings begin
    AzureWebJobsStorage__accountName: storageAccountName
    AzureWebJobsStorage__credential: 'managedidentity'
    AzureWebJobsStorage__clientId: identityClientId
    APPLICATIONINSIGHTS_CONNECTION_STRING: insightsConnectionString
    APPLICATIONINSIGHTS_AUTHENTICATION_STRING: 'ClientId=${identityClientId};Authorization=AAD'
    EventHubConnection__fullyQualifiedNamespace: eventHubNamespaceHost
    EventHubConnection__credential: 'managedidentity'
    EventHubConnection__clientId: identityClientId
    EventHubName: eventHubName
    EventHubConsumerGroup: consumerGroupName
    Storage__Mode: 'azure'
    Storage__TableServiceUri: tableServiceUri
    Storage__BlobServiceUri: blobServiceUri
    Storage__ClientId: identityClientId
    Storage__NamePrefix: ''
    // Trading dates of minute-exact history kept in Table Storage for backfill and `at` (docs/api.md "Retention").
    Storage__RetentionTradingDays: '21'
    Auth__KeyHashSecret: '@Microsoft.KeyVault(SecretUri=${keyHashSecretUri})'
    Simulator__Enabled: 'false'
    Plans__free__DailyLimit: string(planLimits.free.daily)
    Plans__free__PerMinuteLimit: string(planLimits.free.perMinute)
    Plans__basic__DailyLimit: string(planLimits.basic.daily)
    Plans__basic__PerMinuteLimit: string(planLimits.basic.perMinute)
    Plans__growth__DailyLimit: string(planLimits.growth.daily)
    Plans__growth__PerMinuteLimit: string(planLimits.growth.perMinute)
    Plans__alpha__DailyLimit: string(planLimits.alpha.daily)
    Plans__alpha__PerMinuteLimit: string(planLimits.alpha.perMinute)
    Greeks__RiskFreeRate: riskFreeRate
    Greeks__DividendYield: dividendYield
    // app settings end
  }
}

output siteName string = site.name
output defaultHostName string = site.properties.defaultHostName
