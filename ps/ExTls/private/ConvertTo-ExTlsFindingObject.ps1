function ConvertTo-ExTlsFindingObject {
    <#
    .SYNOPSIS
        The objects of a findings document: one ExTls.Finding per server finding, one ExTls.FleetFinding per fleet
        finding. Flat properties (lists as '; '-joined text) with a SeverityRank to sort by; the raw finding in Raw.Finding.
    .EXAMPLE
        ConvertTo-ExTlsFindingObject -Document $doc -Severity critical, high
    #>
    [CmdletBinding()]
    param([Parameter(Mandatory)] $Document, [string[]] $Severity)
    $text = { param($list, $block) (@($list | Where-Object { $null -ne $_ } | ForEach-Object $block) -join '; ') }
    foreach ($server in @(Get-ExTlsProperty $Document 'servers' @())) {
        # the server's verdicts, as Get-ExTlsServerState shows them ('tls12-ready: pass; legacy-off: fail')
        $verdicts = (@(Get-ExTlsProperty $server 'verdicts' @()) | ForEach-Object { '{0}: {1}' -f $_.policy, $_.verdict }) -join '; '
        foreach ($finding in @(Get-ExTlsProperty $server 'findings' @())) {
            if ($Severity -and $Severity -notcontains [string]$finding.severity) { continue }
            $item = [pscustomobject]@{
                PSTypeName      = 'ExTls.Finding'
                Server          = [string]$server.server
                Severity        = [string]$finding.severity
                SeverityRank    = Get-ExTlsSeverityRank ([string]$finding.severity)
                Id              = [string]$finding.id
                Title           = [string]$finding.title
                Category        = Get-ExTlsProperty $finding 'category'
                Explanation     = Get-ExTlsProperty $finding 'explanation'
                Policies        = (@(Get-ExTlsProperty $finding 'policies' @()) -join ', ')
                Changes         = & $text (Get-ExTlsProperty $finding 'changes' @()) { '{0}\{1}: {2} -> {3}' -f $_.fullPath, $_.name, $_.currentDisplay, $_.desiredDisplay }
                ChangeCount     = @(Get-ExTlsProperty $finding 'changes' @()).Count
                RestartRequired = [bool](Get-ExTlsProperty $finding 'restartRequired' $false)
                Blockers        = & $text (Get-ExTlsProperty $finding 'blockers' @()) { '{0}: {1}' -f $_.kind, $_.message }
                Evidence        = & $text (Get-ExTlsProperty $finding 'evidence' @()) { [string]$_.display }
                Connector       = Get-ExTlsProperty $finding 'connector'
                Causes          = (@(Get-ExTlsProperty $finding 'causes' @()) -join ', ')
                Verdicts        = $verdicts
                Status          = Get-ExTlsProperty $server 'status'
                Dag             = Get-ExTlsProperty $server 'groups', 'dag'
                Site            = Get-ExTlsProperty $server 'groups', 'site'
                Role            = Get-ExTlsProperty $server 'groups', 'role'
            }
            Add-ExTlsRawMember -InputObject $item -Member @{ Finding = $finding }
        }
    }
    foreach ($finding in @(Get-ExTlsProperty $Document 'fleetFindings' @())) {
        if ($Severity -and $Severity -notcontains [string]$finding.severity) { continue }
        $kind = [string](Get-ExTlsProperty $finding 'group', 'kind')
        $name = [string](Get-ExTlsProperty $finding 'group', 'name')
        $kindLabel = $kind
        if ($kind -eq 'dag') { $kindLabel = 'DAG' } elseif ($kind -eq 'site') { $kindLabel = 'Site' }
        $item = [pscustomobject]@{
            PSTypeName   = 'ExTls.FleetFinding'
            Group        = ('{0} {1}' -f $kindLabel, $name).Trim()
            GroupKind    = $kind
            GroupName    = $name
            Severity     = [string]$finding.severity
            SeverityRank = Get-ExTlsSeverityRank ([string]$finding.severity)
            Id           = [string]$finding.id
            Title        = [string]$finding.title
            Explanation  = Get-ExTlsProperty $finding 'explanation'
            Servers      = (@(Get-ExTlsProperty $finding 'servers' @()) -join ', ')
            Differences  = & $text (Get-ExTlsProperty $finding 'differences' @()) { '{0}: {1}' -f $_.setting, (@($_.values | ForEach-Object { $_.display }) -join ' | ') }
        }
        Add-ExTlsRawMember -InputObject $item -Member @{ Finding = $finding }
    }
}
