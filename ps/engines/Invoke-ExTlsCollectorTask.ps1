<#
.SYNOPSIS
    What the extls scheduled task runs: the read-only collector, writing <COMPUTERNAME>.json to the share.

.DESCRIPTION
    Reads its settings from ExTlsCollectorTask.json beside it (written by Install-ExTlsCollectorTask.ps1 or
    Register-ExTlsCollectorTask): sharePath, and the collector options. The settings are data: nothing in them is
    ever run as PowerShell. The collector writes through a temporary file in the share and then moves it into
    place, so extls inventory --from never reads half a file. The outcome of the last run is kept in
    last-run.json beside this script (for the admin who wonders why a server stopped reporting).

    Windows PowerShell 5.1 compatible. Changes nothing on the server besides last-run.json.

.PARAMETER ConfigPath
    The settings file (default: ExTlsCollectorTask.json beside this script).

.EXAMPLE
    powershell.exe -NoProfile -ExecutionPolicy Bypass -File C:\ProgramData\extls\Invoke-ExTlsCollectorTask.ps1
#>
[CmdletBinding()]
param([string] $ConfigPath)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version 2

$here = $PSScriptRoot
if (-not $ConfigPath) { $ConfigPath = Join-Path $here 'ExTlsCollectorTask.json' }
$lastRun = Join-Path $here 'last-run.json'
$started = [DateTime]::UtcNow
$outFile = $null
try {
    $config = [IO.File]::ReadAllText($ConfigPath) | ConvertFrom-Json
    $share = [string]$config.sharePath
    if (-not $share) { throw "sharePath is missing in $ConfigPath" }
    $name = $env:COMPUTERNAME
    if (-not $name) { $name = [Environment]::MachineName }
    $outFile = Join-Path $share ($name + '.json')
    $optionsJson = '{}'
    if ($config.PSObject.Properties['collectorOptions'] -and $null -ne $config.collectorOptions) {
        $optionsJson = ConvertTo-Json -InputObject $config.collectorOptions -Depth 10 -Compress
    }
    & (Join-Path $here 'ExTlsCollector.ps1') -OptionsJson $optionsJson -OutFile $outFile
    $result = [ordered]@{ startedAt = $started.ToString('o'); outcome = 'ok'; outFile = $outFile; message = $null }
} catch {
    $result = [ordered]@{ startedAt = $started.ToString('o'); outcome = 'failed'; outFile = $outFile; message = $_.Exception.Message }
}
try {
    [IO.File]::WriteAllText($lastRun, (ConvertTo-Json -InputObject $result -Compress), (New-Object System.Text.UTF8Encoding($false)))
} catch {
    Write-Warning "cannot write ${lastRun}: $($_.Exception.Message)"
}
if ($result.outcome -ne 'ok') {
    Write-Error -Message "extls collector task: $($result.message)" -ErrorAction Continue
    exit 1
}
exit 0
