// Log Analytics and workspace-based Application Insights for the function app's telemetry.
param location string
param tags object
param workspaceName string
param insightsName string

resource workspace 'Microsoft.OperationalInsights/workspaces@2023-09-01' = {
  name: workspaceName
  location: location
  tags: tags
  properties: {
    sku: { name: 'PerGB2018' }
    retentionInDays: 30
  }
}

resource insights 'Microsoft.Insights/components@2020-02-02' = {
  name: insightsName
  location: location
  tags: tags
  kind: 'web'
  properties: {
    Application_Type: 'web'
    WorkspaceResourceId: workspace.id
    DisableLocalAuth: true // telemetry is sent with the app's identity (Monitoring Metrics Publisher)
  }
}

output connectionString string = insights.properties.ConnectionString
output insightsName string = insights.name
