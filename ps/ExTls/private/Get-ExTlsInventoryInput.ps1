function Get-ExTlsInventoryInput {
    <#
    .SYNOPSIS
        The inventory JSON text for analyze/runbooks: the file given by path (read as UTF-8), or a document built from
        piped ExTls.InventoryRecord objects (Raw.Json: the line extls printed) or plain parsed records.
    .EXAMPLE
        Get-ExTlsInventoryInput -InputObject $records
    #>
    [CmdletBinding()]
    [OutputType([string])]
    param(
        [string] $Path,
        [AllowEmptyCollection()] [object[]] $InputObject,
        $Cli
    )
    if ($Path) {
        if (-not (Test-Path -LiteralPath $Path -PathType Leaf)) {
            throw (New-Object System.IO.FileNotFoundException "The inventory file '$Path' was not found.")
        }
        return [System.IO.File]::ReadAllText($Path, [System.Text.Encoding]::UTF8)
    }
    $lines = New-Object System.Collections.Generic.List[string]
    $ok = 0
    foreach ($item in $InputObject) {
        if ($null -eq $item) { continue }
        # ExTls.InventoryRecord keeps the record in its member set Raw (Json: the line extls printed)
        $json = $null
        $record = $null
        $raw = $item.PSObject.Members['Raw']
        if ($raw -is [System.Management.Automation.PSMemberSet]) {
            # member access on a member set reaches its members (not the .NET Members property)
            $names = @($item.Raw.PSObject.Members | ForEach-Object Name)
            if ($names -contains 'Json') { $json = $item.Raw.Json }
            if ($names -contains 'Record') { $record = $item.Raw.Record }
        }
        if (-not $json) {
            if (-not $record) { $record = $item }
            if (-not (Get-ExTlsProperty $record 'server')) {
                throw (New-Object System.ArgumentException 'Input objects must be inventory records: the output of Invoke-ExTlsInventory, or the servers of an inventory.json.')
            }
            $json = ConvertTo-Json -InputObject $record -Depth 100 -Compress
        } elseif (-not $record) {
            $record = $json | ConvertFrom-Json
        }
        if ((Get-ExTlsProperty $record 'status') -eq 'ok') { $ok++ }
        $lines.Add([string]$json)
    }
    return (ConvertTo-ExTlsInventoryText -RecordJson $lines.ToArray() -OkCount $ok -Source 'PowerShell pipeline' -Cli $Cli)
}
