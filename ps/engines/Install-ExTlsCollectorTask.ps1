<#
.SYNOPSIS
    Installs a daily, read-only extls collection on this server that writes <COMPUTERNAME>.json to a share.

.DESCRIPTION
    For Group Policy startup scripts, Configuration Manager run scripts and by hand; Register-ExTlsCollectorTask
    in the ExTls module runs this same script. It copies the collector (ExTlsCollector.ps1) and the task script
    (Invoke-ExTlsCollectorTask.ps1) into InstallPath, writes the settings as JSON data beside them
    (ExTlsCollectorTask.json), and registers a scheduled task that runs daily as SYSTEM (the computer account
    writes to the share: grant it, e.g. through an "Exchange Servers" group, write access there).

    Running it again updates the files and the task in place, so it is safe as a startup script on every boot.
    The task's command line holds only the task script's path: the share and the collector options reach it as
    data in the JSON file, never as PowerShell text. Windows PowerShell 5.1 compatible.

    Build the inventory from the share with: extls inventory --from \\server\share --stale-after 3d --out inventory.json

.PARAMETER SharePath
    The drop folder, usually a UNC path (\\fileserver\extls$). Each server writes <COMPUTERNAME>.json there.

.PARAMETER SourcePath
    Folder holding ExTlsCollector.ps1 and Invoke-ExTlsCollectorTask.ps1 (default: this script's folder). A
    Configuration Manager run script gives a read-only share here, since it runs this script from a temporary copy.

.PARAMETER CollectorPath
    The bundled collector to install (default: ExTlsCollector.ps1 in SourcePath).

.PARAMETER InstallPath
    Local folder for the collector, the task script and its settings (default: %ProgramData%\extls).

.PARAMETER At
    Time of day the task starts (default 03:00), local time.

.PARAMETER RandomDelayMinutes
    Each server starts up to this many minutes after At (default 60), so thousands of servers do not write to the
    share at once.

.PARAMETER TaskName
    Name of the scheduled task (default 'extls collector'), in the task folder \extls\.

.PARAMETER OptionsJson
    Collector options as a JSON object, e.g. '{"protocolLogPaths":["D:\\Logs\\ProtocolLog"],"logDays":14}'.

.EXAMPLE
    .\Install-ExTlsCollectorTask.ps1 -SharePath '\\fs01\extls$'

.EXAMPLE
    .\Install-ExTlsCollectorTask.ps1 -SharePath '\\fs01\extls$' -At '22:30' -WhatIf

.EXAMPLE
    Configuration Manager run script (this file's content), parameters SharePath = \\fs01\extls$ and
    SourcePath = \\fs01\extls-src$ (the collector and the task script, read-only for the computer accounts).
#>
[CmdletBinding(SupportsShouldProcess = $true)]
param(
    [Parameter(Mandatory = $true)] [ValidateNotNullOrEmpty()] [string] $SharePath,
    [string] $SourcePath,
    [string] $CollectorPath,
    [string] $InstallPath,
    [ValidatePattern('^([01]?[0-9]|2[0-3]):[0-5][0-9]$')] [string] $At = '03:00',
    [ValidateRange(0, 1440)] [int] $RandomDelayMinutes = 60,
    [ValidateNotNullOrEmpty()] [string] $TaskName = 'extls collector',
    [string] $OptionsJson = '{}'
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version 2

if (-not $SourcePath) {
    # empty when this text runs as a script block (a copy of it, as Configuration Manager runs scripts)
    if (-not $PSCommandPath) { throw 'run from a script block: give -SourcePath (the folder with ExTlsCollector.ps1 and Invoke-ExTlsCollectorTask.ps1)' }
    $SourcePath = Split-Path -Parent $PSCommandPath
}
if (-not $CollectorPath) { $CollectorPath = Join-Path $SourcePath 'ExTlsCollector.ps1' }
if (-not $InstallPath) {
    if (-not $env:ProgramData) { throw 'no %ProgramData% on this system: give -InstallPath' }
    $InstallPath = Join-Path $env:ProgramData 'extls'
}
# The task's command line quotes this path; a double quote cannot be in a Windows path anyway.
if ($InstallPath.Contains('"')) { throw "InstallPath must not contain a double quote: $InstallPath" }
if (-not (Test-Path -LiteralPath $CollectorPath -PathType Leaf)) { throw "collector not found: $CollectorPath (build it with npm run build: dist/ExTlsCollector.ps1)" }
$taskScript = Join-Path $SourcePath 'Invoke-ExTlsCollectorTask.ps1'
if (-not (Test-Path -LiteralPath $taskScript -PathType Leaf)) { throw "task script not found: $taskScript" }
try {
    $options = ConvertFrom-Json -InputObject $OptionsJson
} catch {
    throw "OptionsJson is not valid JSON: $($_.Exception.Message)"
}
if ($null -eq $options -or -not ($options.PSObject.BaseObject -is [System.Management.Automation.PSCustomObject])) {
    throw 'OptionsJson must be a JSON object, e.g. {"logDays":14}'
}

$settings = [ordered]@{ sharePath = $SharePath; collectorOptions = $options }
$settingsJson = ConvertTo-Json -InputObject $settings -Depth 10

if ($PSCmdlet.ShouldProcess($InstallPath, 'install the extls collector and its task script')) {
    if (-not (Test-Path -LiteralPath $InstallPath -PathType Container)) { $null = New-Item -ItemType Directory -Path $InstallPath -Force }
    foreach ($pair in @(@($CollectorPath, 'ExTlsCollector.ps1'), @($taskScript, 'Invoke-ExTlsCollectorTask.ps1'))) {
        $target = Join-Path $InstallPath $pair[1]
        if ([IO.Path]::GetFullPath($pair[0]) -ne [IO.Path]::GetFullPath($target)) { Copy-Item -LiteralPath $pair[0] -Destination $target -Force }
    }
    # Settings through a temporary file and a move: the task never reads half of them.
    $settingsPath = Join-Path $InstallPath 'ExTlsCollectorTask.json'
    $temp = $settingsPath + '.' + [Guid]::NewGuid().ToString('N') + '.tmp'
    [IO.File]::WriteAllText($temp, $settingsJson, (New-Object System.Text.UTF8Encoding($false)))
    if ([IO.File]::Exists($settingsPath)) { [IO.File]::Replace($temp, $settingsPath, [NullString]::Value) }   # a plain $null would arrive as ''
    else { [IO.File]::Move($temp, $settingsPath) }
}

$powershell = 'powershell.exe'
if ($env:SystemRoot) { $powershell = Join-Path $env:SystemRoot 'System32\WindowsPowerShell\v1.0\powershell.exe' }
$arguments = '-NoLogo -NoProfile -NonInteractive -ExecutionPolicy Bypass -File "{0}"' -f (Join-Path $InstallPath 'Invoke-ExTlsCollectorTask.ps1')
$time = [DateTime]::ParseExact($At, 'H:mm', [Globalization.CultureInfo]::InvariantCulture)

if ($PSCmdlet.ShouldProcess("\extls\$TaskName", 'register a daily scheduled task running as SYSTEM')) {
    $action = New-ScheduledTaskAction -Execute $powershell -Argument $arguments -WorkingDirectory $InstallPath
    $trigger = New-ScheduledTaskTrigger -Daily -At $time -RandomDelay (New-TimeSpan -Minutes $RandomDelayMinutes)
    $principal = New-ScheduledTaskPrincipal -UserId 'SYSTEM' -LogonType ServiceAccount -RunLevel Highest
    $taskSettings = New-ScheduledTaskSettingsSet -StartWhenAvailable -MultipleInstances IgnoreNew -ExecutionTimeLimit (New-TimeSpan -Hours 2)
    $description = 'extls: daily read-only collection of TLS settings and SMTP protocol-log evidence to ' + $SharePath
    Register-ScheduledTask -TaskName $TaskName -TaskPath '\extls\' -Action $action -Trigger $trigger -Principal $principal `
        -Settings $taskSettings -Description $description -Force
}
