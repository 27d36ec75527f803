// The Event Hubs namespace, the hub the feed publishes to (partition key = underlying symbol) and the function app's
// consumer group. Local (SAS) auth is off: producers and the app use Entra ID.
param location string
param tags object
param namespaceName string
param hubName string
param consumerGroupName string
param partitionCount int
param retentionDays int
param throughputUnits int

resource namespace 'Microsoft.EventHub/namespaces@2024-01-01' = {
  name: namespaceName
  location: location
  tags: tags
  sku: { name: 'Standard', tier: 'Standard', capacity: throughputUnits }
  properties: {
    minimumTlsVersion: '1.2'
    disableLocalAuth: true
    isAutoInflateEnabled: true
    maximumThroughputUnits: 20
  }
}

resource hub 'Microsoft.EventHub/namespaces/eventhubs@2024-01-01' = {
  parent: namespace
  name: hubName
  properties: {
    partitionCount: partitionCount
    messageRetentionInDays: retentionDays
  }
}

resource consumerGroup 'Microsoft.EventHub/namespaces/eventhubs/consumergroups@2024-01-01' = {
  parent: hub
  name: consumerGroupName
}

output namespaceName string = namespace.name
output namespaceHost string = '${namespace.name}.servicebus.windows.net'
output hubName string = hub.name
output consumerGroupName string = consumerGroup.name
