function Complete-ExTlsCli {
    <#
    .SYNOPSIS
        Ends a CLI run whose stdout was read to the end: waits for the child, returns ExitCode and StdErr (with
        -Progress runs: the stderr lines that were not progress events, such as the CLI's error message).
    .EXAMPLE
        $result = Complete-ExTlsCli -Run $cli
        if ($result.ExitCode -eq 1) { throw $result.StdErr }
    #>
    [CmdletBinding()]
    param([Parameter(Mandatory)] $Run)
    $process = $Run.Process
    $stderr = ''
    if ($null -ne $Run.Progress) {
        # the events still on their way (the end event, the summary); StdErr keeps only lines that were not events
        $deadline = $null
        while ($null -ne $Run.ErrorLineTask) {
            while (-not $Run.ErrorLineTask.Wait(200)) {
                # a grandchild that keeps the pipe open after the CLI exited: stop waiting after 10 s
                if ($null -eq $deadline -and $process.HasExited) { $deadline = [datetime]::UtcNow.AddSeconds(10) }
                if ($null -ne $deadline -and [datetime]::UtcNow -gt $deadline) { break }
            }
            if (-not $Run.ErrorLineTask.IsCompleted) { $Run.ErrorLineTask = $null; break }
            $errorLine = $Run.ErrorLineTask.Result
            if ($null -eq $errorLine) { $Run.ErrorLineTask = $null; break }
            $Run.ErrorLineTask = $process.StandardError.ReadLineAsync()
            Write-ExTlsProgressEvent -State $Run.Progress -Line $errorLine
        }
        $process.WaitForExit()
        $stderr = $Run.Progress.OtherLines -join "`n"
    } else {
        $process.WaitForExit()
        if ($Run.ErrorTask.Wait(10000)) { $stderr = [string]$Run.ErrorTask.Result }
    }
    [pscustomobject]@{
        ExitCode = $process.ExitCode
        StdErr   = $stderr
    }
}
