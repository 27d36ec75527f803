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

@description('Where alerts are mailed; empty: the alerts fire in the portal only.')
param alertEmail string = ''

resource actionGroup 'Microsoft.Insights/actionGroups@2023-01-01' = if (!empty(alertEmail)) {
  name: '${insightsName}-oncall'
  location: 'global'
  tags: tags
  properties: {
    groupShortName: 'flowoncall'
    enabled: true
    emailReceivers: [ { name: 'oncall', emailAddress: alertEmail, useCommonAlertSchema: true } ]
  }
}

// What the README's "Operations" tells on-call to watch, as log alerts on the app's telemetry (workspace-based
// Application Insights: the app's OpenTelemetry metrics are in customMetrics, requests and function runs in requests).
var alerts = [
  {
    name: 'dead-letters'
    description: 'Events refused and dead-lettered (flowfunctions.ingest.dead_lettered): a producer sends events the app cannot take.'
    severity: 3
    query: 'customMetrics | where name == "flowfunctions.ingest.dead_lettered" | summarize total = sum(valueSum)'
  }
  {
    name: 'invocations-set-aside'
    description: 'Event Hubs invocations stored whole (flowfunctions.ingest.invocations_dead_lettered: too large, not understood, or poison after 5 attempts); their events are not counted until re-sent.'
    severity: 1
    query: 'customMetrics | where name == "flowfunctions.ingest.invocations_dead_lettered" | summarize total = sum(valueSum)'
  }
  {
    name: 'server-errors'
    description: 'Answers of 500 and above (a bug, or storage unreachable: 502).'
    severity: 2
    query: 'requests | where toint(resultCode) >= 500 | summarize total = count()'
  }
  {
    name: 'partition-stalled'
    description: 'IngestEvents runs failing (storage down answers 503 and the host retries; a partition waits behind it): partition lag grows.'
    severity: 2
    query: 'requests | where name == "IngestEvents" and success == false | summarize total = count()'
  }
]

resource alertRules 'Microsoft.Insights/scheduledQueryRules@2023-03-15-preview' = [for alert in alerts: {
  name: '${insightsName}-${alert.name}'
  location: location
  tags: tags
  properties: {
    displayName: '${insightsName}: ${alert.name}'
    description: alert.description
    severity: alert.severity
    enabled: true
    scopes: [ insights.id ]
    evaluationFrequency: 'PT5M'
    windowSize: 'PT15M'
    criteria: {
      allOf: [
        {
          query: alert.query
          timeAggregation: 'Total'
          metricMeasureColumn: 'total'
          operator: 'GreaterThan'
          threshold: 0
          failingPeriods: { numberOfEvaluationPeriods: 1, minFailingPeriodsToAlert: 1 }
        }
      ]
    }
    actions: { actionGroups: empty(alertEmail) ? [] : [ actionGroup.id ] }
  }
}]

output workspaceId string = workspace.id
