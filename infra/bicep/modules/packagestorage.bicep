// The account Flex Consumption deploys the app package from, apart from the app's own storage: the app's identity holds
// Storage Blob Data Owner on the app's account (the host's AzureWebJobsStorage needs it) and no role here, so the app
// cannot overwrite the package it runs from. The deployment identity (main.bicep) may write this one container, and
// nothing else; the platform uses it to store a deployment and to read the package when an instance starts.
param location string
param tags object
param accountName string
param containerName string
param deploymentPrincipalId string

@description('The Log Analytics workspace the package blobs\' logs (every deployment write and the platform\'s reads) go to.')
param workspaceId string

var storageBlobDataContributor = 'ba92f5b4-2d11-453d-a403-e96b0029c9fe'

resource account 'Microsoft.Storage/storageAccounts@2023-05-01' = {
  name: accountName
  location: location
  tags: tags
  kind: 'StorageV2'
  sku: { name: 'Standard_LRS' }
  properties: {
    minimumTlsVersion: 'TLS1_2'
    supportsHttpsTrafficOnly: true
    allowBlobPublicAccess: false
    allowSharedKeyAccess: false
    defaultToOAuthAuthentication: true
    publicNetworkAccess: 'Enabled'
  }
}

resource blobService 'Microsoft.Storage/storageAccounts/blobServices@2023-05-01' = {
  parent: account
  name: 'default'
}

resource container 'Microsoft.Storage/storageAccounts/blobServices/containers@2023-05-01' = {
  parent: blobService
  name: containerName
  properties: { publicAccess: 'None' }
}

// The one data role of the deployment identity, on the one container.
// Who wrote and read the app package.
resource blobDiagnostics 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = {
  name: 'to-workspace'
  scope: blobService
  properties: {
    workspaceId: workspaceId
    logs: [ { categoryGroup: 'allLogs', enabled: true } ]
  }
}

resource packageWriter 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  scope: container
  name: guid(container.id, deploymentPrincipalId, storageBlobDataContributor)
  properties: { principalId: deploymentPrincipalId, principalType: 'ServicePrincipal', roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', storageBlobDataContributor) }
}

output accountName string = account.name
output containerUrl string = '${account.properties.primaryEndpoints.blob}${container.name}'
