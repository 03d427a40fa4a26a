function Read-ExTlsCliLine {
    <#
    .SYNOPSIS
        The next stdout line of a running CLI, or $null at the end. Waits in short slices, so Ctrl+C and
        Select-Object -First stop the pipeline promptly (Stop-ExTlsCli then stops the child).
    .DESCRIPTION
        For a run started with -Progress, the stderr event lines that arrive meanwhile are shown as they come
        (Write-ExTlsProgressEvent), so progress moves also while no record is printed.
    .EXAMPLE
        while ($null -ne ($line = Read-ExTlsCliLine -Run $cli)) { $line }
    #>
    [CmdletBinding()]
    [OutputType([string])]
    param([Parameter(Mandatory)] $Run)
    if ($null -eq $Run.Progress) {
        $task = $Run.Output.ReadLineAsync()
        while (-not $task.Wait(200)) { }
        return $task.Result
    }
    if ($null -eq $Run.OutputLineTask) { $Run.OutputLineTask = $Run.Output.ReadLineAsync() }
    while ($true) {
        if ($null -ne $Run.ErrorLineTask -and $Run.ErrorLineTask.IsCompleted) {
            $errorLine = $Run.ErrorLineTask.Result
            if ($null -eq $errorLine) { $Run.ErrorLineTask = $null }
            else {
                $Run.ErrorLineTask = $Run.Process.StandardError.ReadLineAsync()
                Write-ExTlsProgressEvent -State $Run.Progress -Line $errorLine
            }
            continue
        }
        if ($Run.OutputLineTask.IsCompleted) {
            $line = $Run.OutputLineTask.Result
            $Run.OutputLineTask = $null
            return $line
        }
        $pending = New-Object System.Collections.Generic.List[System.Threading.Tasks.Task]
        $pending.Add($Run.OutputLineTask)
        if ($null -ne $Run.ErrorLineTask) { $pending.Add($Run.ErrorLineTask) }
        [void][System.Threading.Tasks.Task]::WaitAny($pending.ToArray(), 200)
    }
}
