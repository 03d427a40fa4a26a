function Write-ExTlsInventoryFile {
    <#
    .SYNOPSIS
        Writes inventory.json (schemas/inventory.schema.json) from record JSON lines, atomically.
    .EXAMPLE
        Write-ExTlsInventoryFile -Path .\inventory.json -RecordJson $lines -Source 'fleet.yaml' -Cli (Resolve-ExTlsCli)
    #>
    [CmdletBinding()]
    param(
        [Parameter(Mandatory)] [string] $Path,
        [Parameter(Mandatory)] [AllowEmptyCollection()] [string[]] $RecordJson,
        [Parameter(Mandatory)] [string] $Source,
        $Cli
    )
    $ok = 0
    foreach ($line in $RecordJson) { if ((Get-ExTlsProperty ($line | ConvertFrom-Json) 'status') -eq 'ok') { $ok++ } }
    $text = ConvertTo-ExTlsInventoryText -RecordJson $RecordJson -OkCount $ok -Source $Source -Cli $Cli
    Write-ExTlsFileAtomic -Path $Path -Text $text
    Write-Verbose "Wrote $Path ($($RecordJson.Count) servers)"
}
