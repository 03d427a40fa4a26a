function Read-ExTlsCliLine {
    <#
    .SYNOPSIS
        The next stdout line of a running CLI, or $null at the end. Waits in short slices, so Ctrl+C and
        Select-Object -First stop the pipeline promptly (Complete-ExTlsCli then stops the child).
    .EXAMPLE
        while ($null -ne ($line = Read-ExTlsCliLine -Run $cli)) { $line }
    #>
    [CmdletBinding()]
    [OutputType([string])]
    param([Parameter(Mandatory)] $Run)
    $task = $Run.Output.ReadLineAsync()
    while (-not $task.Wait(200)) { }
    return $task.Result
}
