function Get-ExTlsDocumentKind {
    <#
    .SYNOPSIS
        Which extls document a parsed JSON file is (as the CLI's src/util/document-kind.ts decides): 'an inventory',
        'a findings document', 'probe results', 'a comparison of two inventories', 'one inventory record', or $null.
        Readers use it to refuse the wrong kind of file up front instead of finding nothing in it.
    .EXAMPLE
        $kind = Get-ExTlsDocumentKind -Document ($text | ConvertFrom-Json)
    #>
    [CmdletBinding()]
    [OutputType([string])]
    param([AllowNull()] $Document)
    $has = { param($o, [string[]] $names) foreach ($n in $names) { if ($null -eq $o.PSObject.Properties[$n]) { return $false } }; return $true }
    if ($Document -is [array]) {
        $first = @($Document | Where-Object { $_ -is [System.Management.Automation.PSCustomObject] }) | Select-Object -First 1
        if ($null -eq $first) { return $null }
        if (& $has $first 'endpoint', 'versions') { return 'probe results' }
        if (& $has $first 'server', 'transport', 'status') { return 'one inventory record' }
        return $null
    }
    if ($Document -isnot [System.Management.Automation.PSCustomObject]) { return $null }
    if ((& $has $Document 'referenceTime', 'policies', 'servers') -and ((& $has $Document 'fleetFindings') -or (& $has $Document 'inventory'))) { return 'a findings document' }
    if (& $has $Document 'reference', 'difference', 'servers') { return 'a comparison of two inventories' }
    if (& $has $Document 'schemaVersion', 'source', 'servers') { return 'an inventory' }
    if (& $has $Document 'endpoint', 'versions') { return 'probe results' }
    if (& $has $Document 'collector', 'schannel') { return "one server's collector output" }
    if (& $has $Document 'server', 'transport', 'status') { return 'one inventory record' }
    return $null
}
