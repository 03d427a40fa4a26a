function ConvertTo-ExTlsFindingObject {
    <#
    .SYNOPSIS
        The objects of a findings document: one ExTls.Finding per server finding, one ExTls.FleetFinding per fleet
        finding. Flat properties (lists as '; '-joined text) with a SeverityRank to sort by; the raw finding in Raw.Finding.
    .DESCRIPTION
        Mail-flow findings carry their protocol-log facts as properties: FailingNow, FirstSeen, LastSeen ([datetime]),
        Count, Direction, Connector, Remote, RemoteName, Cause and ProbableCauseId ($null on other findings).
        Both types have the same property names (those that do not apply are $null), so Export-Csv of mixed output
        keeps every column: the fleet findings' Group and Servers, the server findings' Server.
    .EXAMPLE
        ConvertTo-ExTlsFindingObject -Document $doc -Severity critical, high
    #>
    [CmdletBinding()]
    param([Parameter(Mandatory)] $Document, [string[]] $Severity)
    $text = { param($list, $block) (@($list | Where-Object { $null -ne $_ } | ForEach-Object $block) -join '; ') }
    # the properties only one of the two types has: the other gets them as $null (Export-Csv takes the first object's columns)
    $fleetOnly = 'Group', 'GroupKind', 'GroupName', 'Servers', 'Differences'
    $serverOnly = 'Server', 'Category', 'Policies', 'Changes', 'ChangeCount', 'RestartRequired', 'Blockers', 'Evidence', 'Connector', 'Causes',
    'FailingNow', 'FirstSeen', 'LastSeen', 'Count', 'Direction', 'Remote', 'RemoteName', 'Cause', 'ProbableCauseId', 'Verdicts', 'Status', 'Dag', 'Site', 'Role'
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
                FailingNow      = $null
                FirstSeen       = $null
                LastSeen        = $null
                Count           = $null
                Direction       = $null
                Remote          = $null
                RemoteName      = $null
                Cause           = $null
                ProbableCauseId = $null
                Verdicts        = $verdicts
                Status          = Get-ExTlsProperty $server 'status'
                Dag             = Get-ExTlsProperty $server 'groups', 'dag'
                Site            = Get-ExTlsProperty $server 'groups', 'site'
                Role            = Get-ExTlsProperty $server 'groups', 'role'
            }
            # the failure group of a mail-flow finding (protocol logs): first-class, not dug out of Raw
            $failure = @(Get-ExTlsProperty $finding 'evidence' @() | ForEach-Object { Get-ExTlsProperty $_ 'failure' } | Where-Object { $null -ne $_ }) | Select-Object -First 1
            if ($null -ne $failure) {
                $item.FailingNow = [bool](Get-ExTlsProperty $failure 'failingNow' $false)
                $item.FirstSeen = ConvertTo-ExTlsDateTime (Get-ExTlsProperty $failure 'firstSeen')
                $item.LastSeen = ConvertTo-ExTlsDateTime (Get-ExTlsProperty $failure 'lastSeen')
                $item.Count = [int](Get-ExTlsProperty $failure 'count' 0)
                $item.Direction = Get-ExTlsProperty $failure 'direction'
                if (-not $item.Connector) { $item.Connector = Get-ExTlsProperty $failure 'connector' }
                # one address, or the peer its addresses were grouped into ("Exchange Online", "Internet hosts")
                $item.Remote = Get-ExTlsProperty $failure 'remote'
                if (-not $item.Remote) { $item.Remote = Get-ExTlsProperty $failure 'peer' }
                $item.RemoteName = Get-ExTlsProperty $failure 'remoteName'
                $item.Cause = Get-ExTlsProperty $failure 'cause'
                $item.ProbableCauseId = @(Get-ExTlsProperty $finding 'causes' @()) | Select-Object -First 1
            }
            foreach ($name in $fleetOnly) { Add-Member -InputObject $item -NotePropertyName $name -NotePropertyValue $null }
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
        foreach ($name in $serverOnly) { Add-Member -InputObject $item -NotePropertyName $name -NotePropertyValue $null }
        Add-ExTlsRawMember -InputObject $item -Member @{ Finding = $finding }
    }
}
