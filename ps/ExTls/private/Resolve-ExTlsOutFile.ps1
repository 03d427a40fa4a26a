function Resolve-ExTlsOutFile {
    <#
    .SYNOPSIS
        The full path of an output file, checked before any work starts: its folder must exist, it must not be a
        folder, and it must be writable. Otherwise the calling cmdlet stops (ExTls.OutFileFolderNotFound,
        ExTls.OutFileIsFolder, ExTls.OutFileNotWritable), naming the path.
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
    # Writable? Found now, in begin, not after the whole run: a scratch file in the folder, or the file itself opened
    # for writing (nothing is written to it).
    $probe = $null
    try {
        if ([System.IO.File]::Exists($full)) {
            $probe = [System.IO.File]::Open($full, [System.IO.FileMode]::Open, [System.IO.FileAccess]::Write, [System.IO.FileShare]::ReadWrite)
        } else {
            $scratch = Join-Path -Path $folder -ChildPath ('.extls-write-check-' + [guid]::NewGuid().ToString('N') + '.tmp')
            $probe = New-Object System.IO.FileStream ($scratch, [System.IO.FileMode]::CreateNew, [System.IO.FileAccess]::Write, [System.IO.FileShare]::None, 1, [System.IO.FileOptions]::DeleteOnClose)
        }
    } catch {
        $reason = $_.Exception.Message
        if ($_.Exception.InnerException) { $reason = $_.Exception.InnerException.Message }
        $Cmdlet.ThrowTerminatingError((New-ExTlsErrorRecord -Message "'$Path' cannot be written ($reason); nothing was run." -ErrorId 'ExTls.OutFileNotWritable' -Category PermissionDenied -TargetObject $Path -ExceptionType 'System.UnauthorizedAccessException'))
    } finally {
        if ($probe) { $probe.Dispose() }
    }
    return $full
}
