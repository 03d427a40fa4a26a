# Test harness for the collector's Exchange section (ps/collector/45-ExchangeConfig.ps1) as it runs on a live
# server: this machine has no Windows registry, so the registry layer is marked live by hand. With -StandIn the
# stand-in Exchange cmdlets (ExchangeStandIn.psm1) are loaded first. Prints {section, warnings, calls} as JSON.
param(
    [Parameter(Mandatory)][string]$CollectorDir,
    [Parameter(Mandatory)][string]$FixtureDir,
    [switch]$StandIn,
    [string]$Options = '{"computerName":"WIN-CTD3L0RGEN4"}'
)
# The header's param block would reset a parameter of the same name: keep ours first.
$exTlsTestOptions = $Options
foreach ($part in @('00-Header.ps1', '05-Options.ps1', '15-Section.ps1', '44-ExchangeCertificateData.ps1', '45-ExchangeConfig.ps1')) {
    . (Join-Path $CollectorDir $part)
}
if ($StandIn) { Import-Module (Join-Path $PSScriptRoot 'ExchangeStandIn.psm1') -ArgumentList $FixtureDir -Force }
$parsed = ConvertFrom-ExTlsOptions -Json $exTlsTestOptions
$script:ExTlsReg = @{ Kind = 'live'; Files = @() }
$section = Get-ExTlsExchangeConfig -Options $parsed.Raw -ComputerName $parsed.ComputerName
$calls = @()
if ($StandIn) { $calls = $global:ExTlsStandInCalls.ToArray() }
ConvertTo-Json -Depth 20 -Compress -InputObject ([ordered]@{
        section  = $section
        warnings = $script:ExTlsWarnings.ToArray()
        calls    = [string[]]$calls
    })
