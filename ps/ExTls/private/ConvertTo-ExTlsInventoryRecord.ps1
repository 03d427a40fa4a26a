function ConvertTo-ExTlsInventoryRecord {
    <#
    .SYNOPSIS
        One inventory record (schemas/inventory-record.schema.json) as an ExTls.InventoryRecord: flat, typed properties
        ([version] builds, [datetime] CollectedAt, [bool] RebootPending) and the raw record in the member set Raw.
    .DESCRIPTION
        From a line of `extls inventory --format ndjson` (-Line: Raw.Json keeps the line itself, so Get-ExTlsFinding
        and New-ExTlsRunbook hand the CLI exactly what it printed) or from a parsed record (-Record, e.g. the servers
        of an inventory.json).
    .EXAMPLE
        ConvertTo-ExTlsInventoryRecord -Line '{"schemaVersion":1,"server":"EX01",...}'
    #>
    [CmdletBinding(DefaultParameterSetName = 'Line')]
    param(
        [Parameter(Mandatory, ParameterSetName = 'Line')] [string] $Line,
        [Parameter(Mandatory, ParameterSetName = 'Record')] $Record,
        [string] $InventoryPath
    )

    if ($PSCmdlet.ParameterSetName -eq 'Line') { $record = $Line | ConvertFrom-Json } else { $record = $Record; $Line = $null }
    $status = [string](Get-ExTlsProperty $record 'status')
    $displayStatus = $status
    if ($status -eq 'ok') { $displayStatus = 'Ok' } elseif ($status -eq 'failed') { $displayStatus = 'Failed' }
    $osBuild = $null
    $currentBuild = Get-ExTlsProperty $record 'data', 'os', 'currentBuild'
    if ($currentBuild) {
        $ubr = Get-ExTlsProperty $record 'data', 'os', 'ubr'
        if ($null -eq $ubr) { $ubr = 0 }
        $osBuild = ConvertTo-ExTlsVersion "$currentBuild.$ubr"
    }
    $rebootPending = Get-ExTlsProperty $record 'data', 'pendingReboot', 'pending'
    if ($null -ne $rebootPending) { $rebootPending = [bool]$rebootPending }

    $item = [pscustomobject]@{
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
        ExchangeBuild = ConvertTo-ExTlsVersion (Get-ExTlsProperty $record 'data', 'exchange', 'build')
        RebootPending = $rebootPending
        CollectedAt   = ConvertTo-ExTlsDateTime (Get-ExTlsProperty $record 'startedAt')
        DurationMs    = Get-ExTlsProperty $record 'durationMs'
    }
    if ($InventoryPath) { Add-Member -InputObject $item -MemberType NoteProperty -Name InventoryPath -Value $InventoryPath }
    Add-ExTlsRawMember -InputObject $item -Member ([ordered]@{ Record = $record; Json = $Line })
}
