@{
    RootModule           = 'ExTls.psm1'
    ModuleVersion        = '0.1.0'
    GUID                 = '5d0b7f1e-3c2a-4e8b-9a61-2f4c8d7e1b03'
    Author               = 'extls contributors'
    CompanyName          = 'extls'
    Copyright            = '(c) extls contributors. MIT License.'
    Description          = 'Find the Exchange servers that break mail flow once TLS 1.0/1.1 are gone, from PowerShell: inventory, findings, runbooks and SMTP STARTTLS probes through the extls CLI.'
    PowerShellVersion    = '5.1'
    CompatiblePSEditions = @('Desktop', 'Core')
    FunctionsToExport    = @(
        'Compare-ExTlsInventory'
        'Get-ExTlsFinding'
        'Get-ExTlsInventory'
        'Get-ExTlsLegacyPeer'
        'Get-ExTlsPolicy'
        'Get-ExTlsServerState'
        'Invoke-ExTlsInventory'
        'New-ExTlsRunbook'
        'Register-ExTlsCollectorTask'
        'Test-ExTlsSmtpTls'
    )
    CmdletsToExport      = @()
    VariablesToExport    = @()
    AliasesToExport      = @()
    FormatsToProcess     = @('ExTls.Format.ps1xml')
    TypesToProcess       = @('ExTls.Types.ps1xml')
    PrivateData          = @{
        PSData = @{
            Tags       = @('Exchange', 'TLS', 'SCHANNEL', 'SMTP', 'STARTTLS', 'Security', 'PSEdition_Desktop', 'PSEdition_Core')
            LicenseUri   = 'https://opensource.org/licenses/MIT'
            ProjectUri   = 'https://extls.dev/'
            ReleaseNotes = @'
0.1.0
- Invoke-ExTlsInventory keeps what it collected: -OutFile is written also when a script stops early
  ($ErrorActionPreference = 'Stop', -EnableException, Select-Object -First); its folder is checked first.
- Pipeline input binds by Fqdn, DNSHostName, ComputerName, ServerName, Server, Name, PSComputerName or Identity;
  any other object is refused. -RegistryExportPath keys that name no server are an error.
- Values that compare: SeverityRank, [version] builds, [datetime] times; fleet findings are ExTls.FleetFinding.
- New: Get-ExTlsInventory, Get-ExTlsServerState, Get-ExTlsLegacyPeer, Compare-ExTlsInventory, Get-ExTlsPolicy
  (and Tab completion of -Policy); -WhatIf (--plan), -CollectorOutputPath (--from), -ExportsPath (--exports),
  New-ExTlsRunbook -ProbePath/-FindingsPath, Test-ExTlsSmtpTls -FleetFile/-OutFile.
- Flat objects for Export-Csv and ConvertTo-Json; the raw data in the member set Raw.
- Finds the CLI as `extls` on PATH (npm install -g) or $env:EXTLS_CLI. See about_ExTls.
- Write-Progress with the total from the start and -Verbose per server, from the CLI's progress events
  (--progress json; the module and the CLI must be of the same version). Invoke-ExTlsInventory -StaleAfter,
  -CollectorOutputPath with -FleetFile (merge), -PowerShellPath; Test-ExTlsSmtpTls -StepTimeoutSeconds (was
  -TimeoutSeconds, still an alias) and -SuiteTimeSeconds; Get-ExTlsFinding -ProbePath/-OutFile,
  Get-ExTlsServerState -ProbePath, Compare-ExTlsInventory -OutFile; New-ExTlsRunbook -FindingsPath alone.
'@
        }
    }
}
