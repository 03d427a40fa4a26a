function Resolve-ExTlsOutFile {
    <#
    .SYNOPSIS
        The full path of an output file, checked before any work starts: its folder must exist, and it must not be a folder.
    .EXAMPLE
        $outPath = Resolve-ExTlsOutFile -Path '.\inventory.json' -SessionState $PSCmdlet.SessionState
    #>
    [CmdletBinding()]
    [OutputType([string])]
    param(
        [Parameter(Mandatory)] [string] $Path,
        [Parameter(Mandatory)] [System.Management.Automation.SessionState] $SessionState
    )
    $full = $SessionState.Path.GetUnresolvedProviderPathFromPSPath($Path)
    if ([System.IO.Directory]::Exists($full)) {
        throw (New-Object System.IO.IOException "'$Path' is a folder; give the path of a file to write.")
    }
    $folder = [System.IO.Path]::GetDirectoryName($full)
    if ($folder -and -not [System.IO.Directory]::Exists($folder)) {
        throw (New-Object System.IO.DirectoryNotFoundException "The folder of '$Path' ($folder) does not exist; nothing was run.")
    }
    return $full
}
