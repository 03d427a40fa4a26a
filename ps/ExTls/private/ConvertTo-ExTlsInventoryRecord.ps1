function ConvertTo-ExTlsInventoryRecord {
    <#
    .SYNOPSIS
        One NDJSON line of `extls inventory` (schemas/inventory-record.schema.json) as an ExTls.InventoryRecord.
    .DESCRIPTION
        Keeps the parsed record in Record and the line itself in RecordJson, so Get-ExTlsFinding and
        New-ExTlsRunbook hand the CLI exactly what it printed (no re-serialisation: PowerShell 7's
        ConvertFrom-Json turns date-like strings into DateTime).
    .EXAMPLE
        ConvertTo-ExTlsInventoryRecord -Line '{"schemaVersion":1,"server":"EX01",...}'
    #>
    [CmdletBinding()]
    param([Parameter(Mandatory)] [string] $Line)

    $record = $Line | ConvertFrom-Json
    $status = [string](Get-ExTlsProperty $record 'status')
    $displayStatus = $status
    if ($status -eq 'ok') { $displayStatus = 'Ok' } elseif ($status -eq 'failed') { $displayStatus = 'Failed' }
    $osBuild = $null
    $currentBuild = Get-ExTlsProperty $record 'data', 'os', 'currentBuild'
    if ($currentBuild) {
        $osBuild = [string]$currentBuild
        $ubr = Get-ExTlsProperty $record 'data', 'os', 'ubr'
        if ($null -ne $ubr) { $osBuild = "$osBuild.$ubr" }
    }
    $rebootPending = Get-ExTlsProperty $record 'data', 'pendingReboot', 'pending'
    if ($null -ne $rebootPending) { $rebootPending = [bool]$rebootPending }

    [pscustomobject]@{
        PSTypeName    = 'ExTls.InventoryRecord'
        Server        = [string](Get-ExTlsProperty $record 'server')
        Status        = $displayStatus
        Category      = Get-ExTlsProperty $record 'failure', 'category'
        Message       = Get-ExTlsProperty $record 'failure', 'message'
        Address       = Get-ExTlsProperty $record 'address'
        Transport     = Get-ExTlsProperty $record 'transport'
        Dag           = Get-ExTlsProperty $record 'groups', 'dag'
        Site          = Get-ExTlsProperty $record 'groups', 'site'
        Role          = Get-ExTlsProperty $record 'groups', 'role'
        OS            = Get-ExTlsProperty $record 'data', 'os', 'productName'
        OSBuild       = $osBuild
        ExchangeBuild = Get-ExTlsProperty $record 'data', 'exchange', 'build'
        RebootPending = $rebootPending
        DurationMs    = Get-ExTlsProperty $record 'durationMs'
        Record        = $record
        RecordJson    = $Line
    }
}
