function New-ExTlsProgressState {
    <#
    .SYNOPSIS
        What one CLI run's progress events (`--progress json`, schemas/progress-event.schema.json) have told so far,
        for Write-ExTlsProgressEvent: total, done, failed, and the stderr lines that were not events.
    .PARAMETER Activity
        The Write-Progress activity ('extls inventory').
    .PARAMETER WarningEvents
        Show the CLI's warn events with Write-Warning (a record it left out). Without it they go to Write-Verbose,
        for commands that report the same problems as objects or errors already.
    .EXAMPLE
        $progress = New-ExTlsProgressState -Activity 'extls inventory' -WarningEvents
        $run = Start-ExTlsCli -StartInfo $psi -InputText $text -Progress $progress
    #>
    [CmdletBinding()]
    param(
        [Parameter(Mandatory)] [string] $Activity,
        [switch] $WarningEvents
    )
    [pscustomobject]@{
        PSTypeName    = 'ExTls.ProgressState'
        Activity      = $Activity
        WarningEvents = [bool]$WarningEvents
        Unit          = 'items'
        Total         = $null
        Done          = 0
        Failed        = 0
        Started       = $false
        Ended         = $false
        # stderr lines that are not events (the CLI's own error message when it fails): quoted, never parsed
        OtherLines    = New-Object System.Collections.Generic.List[string]
    }
}
