# (blank line below: keeps the bundler's "# ---- part ----" line out of the help block, or Get-Help ignores it)

<#
.SYNOPSIS
    extls collector: reads one Exchange server's TLS-relevant settings and prints them as one line of JSON.

.DESCRIPTION
    Reads SCHANNEL protocol and algorithm settings, .NET and WinHTTP TLS settings, cipher suite and ECC curve order,
    the trusted roots Exchange Online needs and the root auto-update policy, Windows and Exchange
    build levels, pending-reboot state and failover-cluster membership, from the live registry (Windows) or from
    regedit export files (.reg; offline mode, any OS). Values are reported raw (schemas/collector-output.schema.json);
    judging them is the findings stage's job. No Exchange shell is needed; where it is available, Exchange
    certificates and connectors are read with it (read-only), otherwise the LocalMachine\My certificates.

    Runs on Windows PowerShell 5.1 and PowerShell 7. Version __EXTLS_VERSION__.

.PARAMETER OptionsJson
    Options as a JSON object (data, never script text):
      registryExports      string[]  .reg files to read instead of the live registry (later files win)
      exchangeInstallPath  string    Exchange install folder, overrides the setup key's MsiInstallPath
      protocolLogPaths, logDays, logByteBudget, referenceTime, scanLogs   protocol-log scan
      computerName         string    name to report (default: this computer's name)
      exchangeConfigExports object   Export-Clixml files read instead of the Exchange Management Shell:
                                     {certificates, internalTransportCertificate, receiveConnectors, sendConnectors,
                                     hybridConfiguration}
      readExchangeConfig   bool      false: do not read certificates and connectors on this server
      rootThumbprints      string[]  more trusted roots to look for (SHA-1 thumbprints, 40 hex digits) besides
                                     DigiCert Global Root G2

.PARAMETER OutFile
    Write the JSON to this file (UTF-8, written to a temporary file and then moved into place) instead of
    printing it. The folder is created when missing.

.EXAMPLE
    .\ExTlsCollector.ps1

.EXAMPLE
    pwsh -File ExTlsCollector.ps1 -OptionsJson '{"registryExports":["EX01.reg"],"computerName":"EX01"}'

.EXAMPLE
    .\ExTlsCollector.ps1 -OutFile \\fileserver\extls$\EX01.json
#>
[CmdletBinding()]
param(
    [string]$OptionsJson = '{}',
    [string]$OutFile
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version 2

$script:ExTlsCollectorVersion = '__EXTLS_VERSION__'
$script:ExTlsStopwatch = [System.Diagnostics.Stopwatch]::StartNew()
$script:ExTlsStartedAt = [DateTime]::UtcNow.ToString('o', [System.Globalization.CultureInfo]::InvariantCulture)
# Section problems that must not stop the run: {section, message}.
$script:ExTlsWarnings = New-Object System.Collections.Generic.List[object]

function Add-ExTlsWarning {
    param([string]$Section, [string]$Message)
    $script:ExTlsWarnings.Add([ordered]@{ section = $Section; message = $Message })
}
