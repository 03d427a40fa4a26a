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
        'Get-ExTlsFinding'
        'Invoke-ExTlsInventory'
        'New-ExTlsRunbook'
        'Register-ExTlsCollectorTask'
        'Test-ExTlsSmtpTls'
    )
    CmdletsToExport      = @()
    VariablesToExport    = @()
    AliasesToExport      = @()
    FormatsToProcess     = @('ExTls.Format.ps1xml')
    PrivateData          = @{
        PSData = @{
            Tags       = @('Exchange', 'TLS', 'SCHANNEL', 'SMTP', 'STARTTLS', 'Security', 'PSEdition_Desktop', 'PSEdition_Core')
            LicenseUri = 'https://opensource.org/licenses/MIT'
        }
    }
}
