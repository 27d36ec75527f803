// A user-assigned identity: the app's runtime identity, or the deployment identity that writes and reads the package
// (main.bicep makes both). The runtime one exists, and holds its roles (modules/roles.bicep), before the function app is
// created, so the Key Vault reference of Auth__KeyHashSecret and the identity-based connections resolve at the app's
// first start. A system-assigned identity would exist only with the app, and its first start would race the role
// assignments (the platform then keeps the unresolved reference's text for up to a day).
param location string
param tags object
param identityName string

resource identity 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' = {
  name: identityName
  location: location
  tags: tags
}

output id string = identity.id
output principalId string = identity.properties.principalId
output clientId string = identity.properties.clientId
