// FlowFunctions on Azure: a Flex Consumption function app running the custom handler, fed by Event Hubs, storing in
// Table and Blob Storage, with its API-key hashing secret in Key Vault and telemetry in Application Insights.
// Identity-based connections only: a user-assigned identity, created and granted its data roles before the app, and no
// account key or connection secret in app settings.
//
//   az deployment group create -g <group> -f infra/bicep/main.bicep -p appName=<name> keyHashSecret=<32+ random chars>
//
// Then publish and zip-deploy the app folder (README: "Deploy with Bicep").
targetScope = 'resourceGroup'

@description('Short name for the deployment; resource names derive from it (lower-case letters and digits).')
@minLength(3)
@maxLength(14)
param appName string

@description('Azure region for every resource. Flex Consumption must be available there.')
param location string = resourceGroup().location

@description('Event Hubs partitions. One partition sustains about 1 MB/s or 1,000 events/s in; a full US options tape at peak needs 8 to 16. The partition key is the underlying symbol, so one name always lands on one partition.')
@allowed([ 2, 4, 8, 16, 32 ])
param eventHubPartitionCount int = 8

@description('Days Event Hubs keeps events (Standard tier: 1 to 7). Delivery claims are kept 8 days, longer than any retention.')
@minValue(1)
@maxValue(7)
param eventHubRetentionDays int = 3

@description('Event Hubs namespace throughput units (Standard tier, each 1 MB/s in); auto-inflate raises them up to 20 under load.')
@minValue(1)
@maxValue(20)
param eventHubThroughputUnits int = 2

@description('Memory per Flex Consumption instance in MB. 512 is not offered: a 64 MiB Event Hubs invocation with the host\'s prefetch does not fit (README, "Deploy to Azure").')
@allowed([ 2048, 4096 ])
param instanceMemoryMB int = 2048

@description('HTTP requests one instance serves at once (Flex Consumption\'s per-instance HTTP concurrency). Each open live stream holds one for up to 540 s; the README\'s "Streams and HTTP concurrency" has the arithmetic.')
@minValue(16)
@maxValue(1000)
param httpPerInstanceConcurrency int = 200

@description('Most instances Flex Consumption may scale out to.')
@minValue(40)
@maxValue(1000)
param maximumInstanceCount int = 100

@description('The secret API keys are hashed under (at least 32 random characters). Stored in Key Vault; the app reads it through a Key Vault reference. Changing it invalidates every issued key.')
@secure()
@minLength(32)
param keyHashSecret string

@description('Key Vault purge protection. Off by default: with it on, deleting the resource group leaves the soft-deleted vault holding its name for the whole retention, and only keyVaultRecover=true can redeploy (README, "Redeploy after deleting the resource group").')
param keyVaultPurgeProtection bool = false

@description('Recover the soft-deleted Key Vault of this deployment\'s name instead of creating one: set it for a redeploy within the retention after the resource group was deleted.')
param keyVaultRecover bool = false

@description('Days a deleted Key Vault stays recoverable (7 to 90).')
@minValue(7)
@maxValue(90)
param keyVaultRetentionDays int = 7

@description('Daily and per-minute request limits per plan (0 = none), as SPEC section 5 defaults.')
param planLimits object = {
  free: { daily: 5, perMinute: 0 }
  basic: { daily: 100, perMinute: 0 }
  growth: { daily: 2500, perMinute: 0 }
  alpha: { daily: 0, perMinute: 1200 }
}

@description('Risk-free rate used by the pricing model (decimal).')
param riskFreeRate string = '0.04'

@description('Dividend yield used by the pricing model (decimal).')
param dividendYield string = '0'

@description('Optional: object id of a principal (a feed service, or you for flowctl) that may send events to the hub. Empty for none.')
param publisherPrincipalId string = ''

@description('Tags for every resource.')
param tags object = { application: 'flowfunctions' }

@description('Where the alert rules (dead letters, invocations set aside, 5xx, a stalled partition) mail on-call; empty: they fire in the portal only.')
param alertEmail string = ''

var suffix = uniqueString(resourceGroup().id, appName)
var names = {
  storage: take('st${appName}${suffix}', 24)
  eventHubNamespace: 'evhns-${appName}-${suffix}'
  eventHub: 'flow-events'
  consumerGroup: 'flowfunctions'
  identity: 'id-${appName}-${suffix}'
  deploymentIdentity: 'id-${appName}-deploy-${suffix}'
  packageStorage: take('stpkg${suffix}${appName}', 24)
  keyVault: take('kv-${appName}-${suffix}', 24)
  logs: 'log-${appName}-${suffix}'
  insights: 'appi-${appName}-${suffix}'
  plan: 'plan-${appName}-${suffix}'
  site: 'func-${appName}-${suffix}'
  deploymentContainer: 'app-package'
}

module monitoring 'modules/monitoring.bicep' = {
  name: 'monitoring'
  params: { location: location, tags: tags, workspaceName: names.logs, insightsName: names.insights, alertEmail: alertEmail }
}

module storage 'modules/storage.bicep' = {
  name: 'storage'
  params: { location: location, tags: tags, accountName: names.storage, workspaceId: monitoring.outputs.workspaceId }
}

module eventHubs 'modules/eventhubs.bicep' = {
  name: 'eventhubs'
  params: {
    location: location
    tags: tags
    namespaceName: names.eventHubNamespace
    hubName: names.eventHub
    consumerGroupName: names.consumerGroup
    partitionCount: eventHubPartitionCount
    retentionDays: eventHubRetentionDays
    throughputUnits: eventHubThroughputUnits
  }
}

module keyVault 'modules/keyvault.bicep' = {
  name: 'keyvault'
  params: {
    location: location
    tags: tags
    vaultName: names.keyVault
    workspaceId: monitoring.outputs.workspaceId
    keyHashSecret: keyHashSecret
    purgeProtection: keyVaultPurgeProtection
    recover: keyVaultRecover
    softDeleteRetentionDays: keyVaultRetentionDays
  }
}

module identity 'modules/identity.bicep' = {
  name: 'identity'
  params: { location: location, tags: tags, identityName: names.identity }
}

// The identity the platform deploys and reads the package with; its only role is on the package container.
module deploymentIdentity 'modules/identity.bicep' = {
  name: 'deployment-identity'
  params: { location: location, tags: tags, identityName: names.deploymentIdentity }
}

module packageStorage 'modules/packagestorage.bicep' = {
  name: 'package-storage'
  params: {
    location: location
    tags: tags
    accountName: names.packageStorage
    workspaceId: monitoring.outputs.workspaceId
    containerName: names.deploymentContainer
    deploymentPrincipalId: deploymentIdentity.outputs.principalId
  }
}

// Roles first: the app's first start reads the Key Vault reference and storage with this identity.
module roles 'modules/roles.bicep' = {
  name: 'roles'
  params: {
    principalId: identity.outputs.principalId
    storageAccountName: storage.outputs.accountName
    eventHubNamespaceName: eventHubs.outputs.namespaceName
    eventHubName: eventHubs.outputs.hubName
    keyVaultName: keyVault.outputs.vaultName
    insightsName: monitoring.outputs.insightsName
    publisherPrincipalId: publisherPrincipalId
  }
}

module functionApp 'modules/functionapp.bicep' = {
  name: 'functionapp'
  dependsOn: [ roles ]
  params: {
    identityId: identity.outputs.id
    identityClientId: identity.outputs.clientId
    deploymentIdentityId: deploymentIdentity.outputs.id
    location: location
    tags: tags
    planName: names.plan
    siteName: names.site
    storageAccountName: storage.outputs.accountName
    deploymentContainerUrl: packageStorage.outputs.containerUrl
    tableServiceUri: storage.outputs.tableEndpoint
    blobServiceUri: storage.outputs.blobEndpoint
    insightsConnectionString: monitoring.outputs.connectionString
    eventHubNamespaceHost: eventHubs.outputs.namespaceHost
    eventHubName: eventHubs.outputs.hubName
    consumerGroupName: eventHubs.outputs.consumerGroupName
    keyHashSecretUri: keyVault.outputs.secretUri
    instanceMemoryMB: instanceMemoryMB
    maximumInstanceCount: maximumInstanceCount
    httpPerInstanceConcurrency: httpPerInstanceConcurrency
    planLimits: planLimits
    riskFreeRate: riskFreeRate
    dividendYield: dividendYield
  }
}

@description('The API base URL (the dashboard is at its root).')
output apiBaseUrl string = 'https://${functionApp.outputs.defaultHostName}'

@description('The function app, for zip deploy: az functionapp deployment source config-zip.')
output functionAppName string = functionApp.outputs.siteName

@description('The Event Hubs namespace host producers send to (partition key = underlying).')
output eventHubNamespaceHost string = eventHubs.outputs.namespaceHost

@description('The hub producers send to.')
output eventHubName string = eventHubs.outputs.hubName

@description('The storage account holding aggregates, keys, quotas, snapshots and dead letters.')
output storageAccountName string = storage.outputs.accountName

@description('The Key Vault holding the key-hashing secret.')
output keyVaultName string = keyVault.outputs.vaultName

@description('The account the app package is deployed to (the app\'s identity has no role on it).')
output packageStorageAccountName string = packageStorage.outputs.accountName

@description('The app identity (user-assigned), for any further role assignments.')
output principalId string = identity.outputs.principalId
