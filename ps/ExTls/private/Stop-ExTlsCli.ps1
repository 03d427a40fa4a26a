function Stop-ExTlsCli {
    <#
    .SYNOPSIS
        Stops a CLI run that is still going (the caller stopped reading: Ctrl+C, Select-Object -First, a throw).
    .DESCRIPTION
        Only .NET calls, so it also works from a finally block while the pipeline is stopping. On PowerShell 7
        the whole process tree goes (node and the pwsh fan-out driver it started).
    .EXAMPLE
        try { ... } finally { if ($cli) { Stop-ExTlsCli -Run $cli } }
    #>
    [CmdletBinding()]
    param([Parameter(Mandatory)] [AllowNull()] $Run)
    if ($null -eq $Run) { return }
    $process = $Run.Process
    try {
        if (-not $process.HasExited) {
            if ($null -ne $process.GetType().GetMethod('Kill', [Type[]]@([bool]))) { $process.Kill($true) } else { $process.Kill() }
            [void]$process.WaitForExit(5000)
        }
    } catch [System.InvalidOperationException] {
        $null = $_ # it exited meanwhile
    } catch [System.ComponentModel.Win32Exception] {
        $null = $_ # not ours to kill any more
    }
}
