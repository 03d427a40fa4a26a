# Failover-cluster membership; on an Exchange DAG member the cluster name is the DAG name.
function Get-ExTlsCluster {
    $path = 'HKLM\Cluster'
    if (-not (Test-ExTlsRegKey -Path $path)) { return [ordered]@{ member = $false; clusterName = $null } }
    return [ordered]@{ member = $true; clusterName = (Get-ExTlsRegString -Section 'cluster' -Path $path -Name 'ClusterName') }
}
