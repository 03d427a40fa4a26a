function Resolve-ExTlsOutFile {
    <#
    .SYNOPSIS
        The full path of an output file, checked before any work starts: its folder must exist, and it must not be
        a folder. Otherwise the calling cmdlet stops (ExTls.OutFileFolderNotFound, ExTls.OutFileIsFolder), naming the path.
    .EXAMPLE
        $outPath = Resolve-ExTlsOutFile -Path '.\inventory.json' -Cmdlet $PSCmdlet
    #>
    [CmdletBinding()]
    [OutputType([string])]
    param(
        [Parameter(Mandatory)] [string] $Path,
        [Parameter(Mandatory)] [System.Management.Automation.PSCmdlet] $Cmdlet
    )
    $full = $Cmdlet.SessionState.Path.GetUnresolvedProviderPathFromPSPath($Path)
    $folder = [System.IO.Path]::GetDirectoryName($full)
    if ([System.IO.Directory]::Exists($full)) {
        $Cmdlet.ThrowTerminatingError((New-ExTlsErrorRecord -Message "'$Path' is a folder; give the path of a file to write." -ErrorId 'ExTls.OutFileIsFolder' -Category InvalidArgument -TargetObject $Path -ExceptionType 'System.IO.IOException'))
    }
    if ($folder -and -not [System.IO.Directory]::Exists($folder)) {
        $Cmdlet.ThrowTerminatingError((New-ExTlsErrorRecord -Message "The folder of '$Path' ($folder) does not exist; nothing was run." -ErrorId 'ExTls.OutFileFolderNotFound' -Category ObjectNotFound -TargetObject $Path -ExceptionType 'System.IO.DirectoryNotFoundException'))
    }
    return $full
}
