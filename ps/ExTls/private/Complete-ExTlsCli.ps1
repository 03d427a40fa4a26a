function Complete-ExTlsCli {
    <#
    .SYNOPSIS
        Ends a CLI run whose stdout was read to the end: waits for the child, returns ExitCode and StdErr.
    .EXAMPLE
        $result = Complete-ExTlsCli -Run $cli
        if ($result.ExitCode -eq 1) { throw $result.StdErr }
    #>
    [CmdletBinding()]
    param([Parameter(Mandatory)] $Run)
    $process = $Run.Process
    $process.WaitForExit()
    $stderr = ''
    if ($Run.ErrorTask.Wait(10000)) { $stderr = [string]$Run.ErrorTask.Result }
    [pscustomobject]@{
        ExitCode = $process.ExitCode
        StdErr   = $stderr
    }
}
