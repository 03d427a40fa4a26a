<#
.SYNOPSIS
    Runs the Pester tests of the ExTls module (test/pester) with the project's Pester 5.7.1 and exits non-zero on failure.
.DESCRIPTION
    Called by scripts/test.sh (`npm test`) after the setup has installed Pester into .tools/nuget and built the CLI.
    Run it alone with: .tools/pwsh/pwsh -NoLogo -NoProfile -File scripts/run-pester.ps1
    Writes NUnit XML results to test/.run/pester.xml for CI.
.PARAMETER Path
    Test files or folders to run instead of all of test/pester (comma-separated with -File).
#>
[CmdletBinding()]
param([string[]] $Path)

$ErrorActionPreference = 'Stop'
$root = Split-Path -Path $PSScriptRoot -Parent
$pester = Join-Path $root '.tools/nuget/pester/5.7.1/tools/Pester.psd1'
if (-not (Test-Path -LiteralPath $pester)) {
    Write-Error "Pester 5.7.1 is not installed at $pester; run: bash scripts/setup.sh"
    exit 1
}
if (-not (Test-Path -LiteralPath (Join-Path $root 'dist/cli.js'))) {
    Write-Error "The extls CLI is not built (dist/cli.js missing); run: npm run build"
    exit 1
}
Import-Module -Name $pester -Force

$config = New-PesterConfiguration
# pwsh -File passes "a,b" as one string: split it
$Path = @($Path | ForEach-Object { $_ -split ',' } | Where-Object { $_ })
if ($Path.Count -gt 0) { $config.Run.Path = $Path } else { $config.Run.Path = Join-Path $root 'test/pester' }
$config.Run.PassThru = $true
$config.Run.Exit = $false
$config.Output.Verbosity = 'Detailed'
$resultsFolder = Join-Path $root 'test/.run'
if (-not (Test-Path -LiteralPath $resultsFolder)) { $null = New-Item -ItemType Directory -Path $resultsFolder -Force }
$config.TestResult.Enabled = $true
$config.TestResult.OutputFormat = 'NUnitXml'
$config.TestResult.OutputPath = Join-Path $resultsFolder 'pester.xml'

$result = Invoke-Pester -Configuration $config
if ($result.Result -ne 'Passed' -or $result.FailedCount -gt 0 -or $result.FailedBlocksCount -gt 0 -or $result.FailedContainersCount -gt 0) {
    exit 1
}
exit 0
