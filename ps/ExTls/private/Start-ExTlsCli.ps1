function Start-ExTlsCli {
    <#
    .SYNOPSIS
        Starts the CLI from a ProcessStartInfo, writes InputText to its stdin as UTF-8 (no BOM) and closes stdin.
    .DESCRIPTION
        Returns a handle with Process, Output (the stdout reader; read it line by line with Read-ExTlsCliLine) and
        ErrorTask (stderr, drained asynchronously from the start so the child never blocks on a full pipe).
        With -Progress (a New-ExTlsProgressState; the CLI runs with --progress json) stderr is read line by line
        instead, alongside stdout, and each event is shown as it comes (Write-ExTlsProgressEvent).
        Finish with Complete-ExTlsCli, and Stop-ExTlsCli in a finally block for a run that did not finish.
    .EXAMPLE
        $cli = Start-ExTlsCli -StartInfo (New-ExTlsProcessStartInfo -Argument 'probe', '--format', 'json', '--', 'mx.contoso.com')
    #>
    [CmdletBinding()]
    param(
        [Parameter(Mandatory)] [System.Diagnostics.ProcessStartInfo] $StartInfo,
        [AllowEmptyString()] [AllowNull()] [string] $InputText,
        $Progress
    )
    $process = New-Object System.Diagnostics.Process
    $process.StartInfo = $StartInfo
    try {
        [void]$process.Start()
    } catch {
        throw (New-Object System.InvalidOperationException ("Cannot start '$($StartInfo.FileName)': $($_.Exception.Message)", $_.Exception))
    }
    $errorTask = $null
    $errorLineTask = $null
    if ($Progress) { $errorLineTask = $process.StandardError.ReadLineAsync() } else { $errorTask = $process.StandardError.ReadToEndAsync() }
    try {
        if ($InputText) {
            $bytes = (New-Object System.Text.UTF8Encoding $false).GetBytes($InputText)
            $process.StandardInput.BaseStream.Write($bytes, 0, $bytes.Length)
            $process.StandardInput.BaseStream.Flush()
        }
    } catch [System.IO.IOException] {
        # The child exited before reading its input; its exit code and stderr tell why.
        Write-Verbose "extls did not read its input: $($_.Exception.Message)"
    } finally {
        try { $process.StandardInput.Close() } catch [System.IO.IOException] { Write-Verbose 'stdin already closed' }
    }
    [pscustomobject]@{
        PSTypeName     = 'ExTls.CliRun'
        Process        = $process
        Output         = $process.StandardOutput
        ErrorTask      = $errorTask
        # with -Progress: the pending stdout and stderr line reads, and where events go
        OutputLineTask = $null
        ErrorLineTask  = $errorLineTask
        Progress       = $Progress
    }
}
