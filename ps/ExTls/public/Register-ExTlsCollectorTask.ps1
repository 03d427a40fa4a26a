function Register-ExTlsCollectorTask {
    <#
    .SYNOPSIS
        Installs a daily, read-only extls collection on this server that writes <COMPUTERNAME>.json to a share.

    .DESCRIPTION
        For servers extls cannot reach over remoting (Edge servers in a perimeter network, other forests, remoting
        not allowed): each server collects itself and drops its file on a share, and the control node builds the
        inventory from the share with `extls inventory --from <share>` (servers that stop reporting show as stale).

        Copies the bundled collector and the task script into InstallPath, writes the share and collector options
        beside them as JSON data, and registers the scheduled task \extls\<TaskName> that runs daily as SYSTEM.
        The computer account writes to the share: grant it (e.g. an "Exchange Servers" group) write access there.
        Running it again updates everything in place. It runs ps/engines/Install-ExTlsCollectorTask.ps1, the
        same script Group Policy startup scripts and Configuration Manager run scripts use without the module.

        Needs the ScheduledTasks module (Windows Server 2012 and later) and an elevated session.

    .PARAMETER SharePath
        The drop folder, usually a UNC path (\\fileserver\extls$). Each server writes <COMPUTERNAME>.json there.

    .PARAMETER InstallPath
        Local folder for the collector, the task script and its settings (default: %ProgramData%\extls).

    .PARAMETER At
        Time of day the task starts, local time, as HH:mm (default 03:00).

    .PARAMETER RandomDelayMinutes
        Each server starts up to this many minutes after At (default 60), so a large fleet does not write to the
        share all at once.

    .PARAMETER TaskName
        Name of the scheduled task in the \extls\ task folder (default 'extls collector').

    .PARAMETER OptionsJson
        Collector options as a JSON object, for example where protocol logs were moved:
        '{"protocolLogPaths":["D:\\Logs\\FrontEnd\\ProtocolLog"],"logDays":14}'.

    .PARAMETER CollectorPath
        The collector to install (default: the bundled dist/ExTlsCollector.ps1 of this extls).

    .EXAMPLE
        Register-ExTlsCollectorTask -SharePath '\\fs01\extls$'

        Installs the task with the defaults: daily at 03:00 plus up to an hour, files to \\fs01\extls$.

    .EXAMPLE
        Register-ExTlsCollectorTask -SharePath '\\fs01\extls$' -At '22:30' -OptionsJson '{"logDays":14}' -WhatIf

        Shows what would be installed and registered, and changes nothing.

    .EXAMPLE
        Invoke-Command -ComputerName EDGE01 -ScriptBlock { & 'C:\Temp\extls\Install-ExTlsCollectorTask.ps1' -SharePath '\\fs01\extls$' }

        Without the module on the server: copy ps/engines/*.ps1 and dist/ExTlsCollector.ps1 to one folder there
        (here C:\Temp\extls) and run the plain script, as a Group Policy startup script would.

    .EXAMPLE
        Start-ScheduledTask -TaskPath '\extls\' -TaskName 'extls collector'

        Collects now instead of waiting for the next day; the result of the last run is in
        %ProgramData%\extls\last-run.json.
    #>
    [CmdletBinding(SupportsShouldProcess = $true)]
    param(
        [Parameter(Mandatory = $true)] [ValidateNotNullOrEmpty()] [string] $SharePath,
        [string] $InstallPath,
        [ValidatePattern('^([01]?[0-9]|2[0-3]):[0-5][0-9]$')] [string] $At = '03:00',
        [ValidateRange(0, 1440)] [int] $RandomDelayMinutes = 60,
        [ValidateNotNullOrEmpty()] [string] $TaskName = 'extls collector',
        [string] $OptionsJson = '{}',
        [string] $CollectorPath
    )
    $root = Split-Path -Parent (Split-Path -Parent $script:ModuleRoot)
    $install = Join-Path $root 'ps/engines/Install-ExTlsCollectorTask.ps1'
    if (-not $CollectorPath) { $CollectorPath = Join-Path $root 'dist/ExTlsCollector.ps1' }
    $arguments = @{
        SharePath          = $SharePath
        CollectorPath      = $CollectorPath
        At                 = $At
        RandomDelayMinutes = $RandomDelayMinutes
        TaskName           = $TaskName
        OptionsJson        = $OptionsJson
        WhatIf             = [bool]$WhatIfPreference
    }
    if ($InstallPath) { $arguments.InstallPath = $InstallPath }
    & $install @arguments
}
