// Key Vault (RBAC authorization) holding the API-key hashing secret, read by the app through a Key Vault reference.
param location string
param tags object
param vaultName string

@secure()
param keyHashSecret string

resource vault 'Microsoft.KeyVault/vaults@2023-07-01' = {
  name: vaultName
  location: location
  tags: tags
  properties: {
    tenantId: subscription().tenantId
    sku: { family: 'A', name: 'standard' }
    enableRbacAuthorization: true
    enableSoftDelete: true
    softDeleteRetentionInDays: 30
    enablePurgeProtection: true
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

output vaultName string = vault.name
output secretUri string = secret.properties.secretUri
