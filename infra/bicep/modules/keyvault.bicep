// Key Vault (RBAC authorization) holding the API-key hashing secret, read by the app through a Key Vault reference.
param location string
param tags object
param vaultName string

@description('The Log Analytics workspace the vault\'s audit events (every secret read) go to.')
param workspaceId string

@secure()
param keyHashSecret string

@description('Purge protection: once on it cannot be turned off, and a deleted vault then keeps its name for the whole retention.')
param purgeProtection bool

@description('Recover the soft-deleted vault of this name (a redeploy after the resource group was deleted) instead of creating one.')
param recover bool

@description('Days a deleted vault and its secrets stay recoverable (7 to 90).')
param softDeleteRetentionDays int

resource vault 'Microsoft.KeyVault/vaults@2023-07-01' = {
  name: vaultName
  location: location
  tags: tags
  properties: {
    createMode: recover ? 'recover' : 'default'
    tenantId: subscription().tenantId
    sku: { family: 'A', name: 'standard' }
    enableRbacAuthorization: true
    enableSoftDelete: true
    softDeleteRetentionInDays: softDeleteRetentionDays
    // Never sent as false: a vault that has it (one recovered) refuses to turn it off.
    enablePurgeProtection: purgeProtection ? true : null
    publicNetworkAccess: 'Enabled'
  }
}

resource secret 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = {
  parent: vault
  name: 'auth-key-hash-secret'
  properties: {
    value: keyHashSecret
    contentType: 'text/plain'
  }
}


// Every read of the key-hashing secret, by whom.
resource vaultDiagnostics 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = {
  name: 'to-workspace'
  scope: vault
  properties: {
    workspaceId: workspaceId
    logs: [ { categoryGroup: 'audit', enabled: true } ]
  }
}

output vaultName string = vault.name
output secretUri string = secret.properties.secretUri
