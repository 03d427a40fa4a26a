# Stand-in Exchange Management Shell cmdlets for the collector's live path (45-ExchangeConfig.ps1). They answer
# from HealthChecker's captures (test/fixtures/exchange-config) and record every call, so tests can assert which
# cmdlets ran with which parameters, and that nothing that changes Exchange configuration ran.
param([Parameter(Mandatory)][string]$FixtureDir)

$script:Fixtures = $FixtureDir
$global:ExTlsStandInCalls = New-Object System.Collections.Generic.List[string]

function Add-Call { param([string]$Text) $global:ExTlsStandInCalls.Add($Text) }

function Get-ExchangeCertificate {
    param([string]$Server, [string]$Thumbprint)
    Add-Call "Get-ExchangeCertificate -Server $Server"
    if (-not $Server) { throw 'Get-ExchangeCertificate without -Server' }
    foreach ($c in @(Import-Clixml -LiteralPath (Join-Path $script:Fixtures 'CSS-Exchange_HealthChecker_E19_GetExchangeCertificate.xml'))) {
        # What the live ExchangeCertificate carries beyond X509Certificate2.
        $x = [System.Security.Cryptography.X509Certificates.X509Certificate2]::new([byte[]]$c.RawData)
        $services = 'IIS, SMTP'
        if ($x.Subject -like '*Auth Certificate*') { $services = 'SMTP' }
        Add-Member -InputObject $x -NotePropertyName Services -NotePropertyValue $services
        Add-Member -InputObject $x -NotePropertyName Status -NotePropertyValue 'Valid'
        Add-Member -InputObject $x -NotePropertyName IsSelfSigned -NotePropertyValue $true
        $x
    }
}

function Get-TransportService {
    param([string]$Identity)
    Add-Call "Get-TransportService -Identity $Identity"
    $t = Import-Clixml -LiteralPath (Join-Path $script:Fixtures 'CSS-Exchange_HealthChecker_E19_GetInternalTransportCertificateFromServer.xml')
    [pscustomobject]@{ Identity = $Identity; InternalTransportCertificateThumbprint = $t.Thumbprint }
}

function Get-ReceiveConnector {
    param([string]$Server)
    Add-Call "Get-ReceiveConnector -Server $Server"
    if (-not $Server) { throw 'Get-ReceiveConnector without -Server would list every server of the organisation' }
    Import-Clixml -LiteralPath (Join-Path $script:Fixtures 'CSS-Exchange_HealthChecker_E19_GetReceiveConnector.xml')
}

function Get-SendConnector {
    param()
    Add-Call 'Get-SendConnector'
    Import-Clixml -LiteralPath (Join-Path $script:Fixtures 'CSS-Exchange_HealthChecker_E19_GetSendConnector.xml')
}

# Anything that would change Exchange: recorded (the tests assert none ran) and refused.
foreach ($verb in @('Set-SendConnector', 'Set-ReceiveConnector', 'Enable-ExchangeCertificate', 'New-ExchangeCertificate', 'Remove-ExchangeCertificate', 'Import-ExchangeCertificate', 'Set-TransportService')) {
    $name = $verb
    New-Item -Path "function:script:$name" -Value ([scriptblock]::Create("Add-Call '$name'; throw '$name must not run'")) -Force | Out-Null
}

Export-ModuleMember -Function Get-ExchangeCertificate, Get-TransportService, Get-ReceiveConnector, Get-SendConnector, Set-SendConnector,
    Set-ReceiveConnector, Enable-ExchangeCertificate, New-ExchangeCertificate, Remove-ExchangeCertificate, Import-ExchangeCertificate, Set-TransportService
