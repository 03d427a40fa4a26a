function Write-ExTlsInventoryFile {
    <#
    .SYNOPSIS
        Writes inventory.json (schemas/inventory.schema.json) from record JSON lines, atomically.
    .DESCRIPTION
        Called from a finally block, also while the pipeline is stopping: it writes no output, warning or verbose
        stream, and parses nothing (the caller counts the ok records as they arrive).
    .EXAMPLE
        Write-ExTlsInventoryFile -Path .\inventory.json -RecordJson $lines -OkCount 7 -Source 'fleet.yaml' -Cli (Resolve-ExTlsCli)
    #>
    [CmdletBinding()]
    param(
        [Parameter(Mandatory)] [string] $Path,
        [Parameter(Mandatory)] [AllowEmptyCollection()] [string[]] $RecordJson,
        [Parameter(Mandatory)] [int] $OkCount,
        [Parameter(Mandatory)] [string] $Source,
        $Cli
    )
    $text = ConvertTo-ExTlsInventoryText -RecordJson $RecordJson -OkCount $OkCount -Source $Source -Cli $Cli
    Write-ExTlsFileAtomic -Path $Path -Text $text
}
