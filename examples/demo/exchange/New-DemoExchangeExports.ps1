# Writes the demo's Exchange exports (Export-Clixml files shaped like Get-ExchangeCertificate, Get-ReceiveConnector
# and Get-SendConnector output seen through remote PowerShell) for EX03 and EX06. Synthetic certificates: a demo CA
# and the servers' certificates, with dates around the demo's reference time (2026-11-28T12:00:00Z).
#   EX06  its SMTP certificate (mail.contoso.com) expires 2026-12-08, ten days after the reference time
#   EX03  the "Outbound to Office 365" connector names the certificate of "Contoso Issuing CA 1", which was replaced
#         by one from "Contoso Issuing CA 2": the connector's certificate is gone (UnknownCredentials in its log)
# Run with PowerShell 7: pwsh -File New-DemoExchangeExports.ps1
$ErrorActionPreference = 'Stop'
Set-StrictMode -Version 2
$out = $PSScriptRoot
$utc = [DateTimeOffset]::Parse('2026-11-28T12:00:00Z')

function New-DemoCert {
    param([string]$Subject, [string[]]$Dns, [DateTimeOffset]$From, [DateTimeOffset]$To, $Issuer = $null)
    $key = [System.Security.Cryptography.RSA]::Create(2048)
    $req = [System.Security.Cryptography.X509Certificates.CertificateRequest]::new($Subject, $key,
        [System.Security.Cryptography.HashAlgorithmName]::SHA256, [System.Security.Cryptography.RSASignaturePadding]::Pkcs1)
    if ($Dns) {
        $san = [System.Security.Cryptography.X509Certificates.SubjectAlternativeNameBuilder]::new()
        foreach ($d in $Dns) { $san.AddDnsName($d) }
        $req.CertificateExtensions.Add($san.Build())
    }
    if ($null -eq $Issuer) {
        $req.CertificateExtensions.Add([System.Security.Cryptography.X509Certificates.X509BasicConstraintsExtension]::new($true, $false, 0, $true))
        return $req.CreateSelfSigned($From, $To)
    }
    $serial = [byte[]](1..16 | ForEach-Object { Get-Random -Maximum 256 })
    return [System.Security.Cryptography.X509Certificates.RSACertificateExtensions]::CopyWithPrivateKey($req.Create($Issuer, $From, $To, $serial), $key)
}

function ConvertTo-DemoExchangeCertificate {
    param($Cert, [string]$Services, [string]$Server, [string[]]$Dns)
    $o = [pscustomobject][ordered]@{
        RawData       = $Cert.RawData
        Thumbprint    = $Cert.Thumbprint
        Subject       = $Cert.Subject
        Issuer        = $Cert.Issuer
        NotBefore     = $Cert.NotBefore.ToUniversalTime()
        NotAfter      = $Cert.NotAfter.ToUniversalTime()
        FriendlyName  = ''
        Services      = $Services
        Status        = 'Valid'
        HasPrivateKey = $true
        IsSelfSigned  = ($Cert.Subject -eq $Cert.Issuer)
        DnsNameList   = $Dns
        Identity      = "$Server\$($Cert.Thumbprint)"
    }
    $o.PSObject.TypeNames.Insert(0, 'Microsoft.Exchange.Management.SystemConfigurationTasks.ExchangeCertificate')
    return $o
}

function New-DemoReceiveConnector {
    param([string]$Server, [string]$Name, [string]$Role, [string[]]$Bindings, [string]$Tls = $null)
    $o = [pscustomobject][ordered]@{
        Name = $Name; Identity = "$Server\$Name"; Server = $Server; Enabled = $true; TransportRole = $Role
        Bindings = $Bindings; Fqdn = "$Server.contoso.com"; AuthMechanism = 'Tls, Integrated, BasicAuth, BasicAuthRequireTLS, ExchangeServer'
        PermissionGroups = 'AnonymousUsers, ExchangeServers, ExchangeLegacyServers'; RequireTLS = $false; TlsCertificateName = $Tls
        # Exchange's defaults: only the Default Frontend connector logs; the Hub's internal Default connector does not
        ProtocolLoggingLevel = $(if ($Name -like 'Default Frontend*') { 'Verbose' } else { 'None' })
        TlsDomainCapabilities = @()
    }
    $o.PSObject.TypeNames.Insert(0, 'Microsoft.Exchange.Data.Directory.SystemConfiguration.ReceiveConnector')
    return $o
}

$ca1 = New-DemoCert -Subject 'CN=Contoso Issuing CA 1, O=Contoso, C=NL' -From $utc.AddYears(-6) -To $utc.AddYears(4)
$ca2 = New-DemoCert -Subject 'CN=Contoso Issuing CA 2, O=Contoso, C=NL' -From $utc.AddYears(-1) -To $utc.AddYears(9)

# EX06: the SMTP certificate expires ten days after the reference time
$ex06Self = New-DemoCert -Subject 'CN=EX06' -Dns @('EX06', 'EX06.contoso.com') -From $utc.AddYears(-2) -To $utc.AddYears(3)
$ex06Smtp = New-DemoCert -Subject 'CN=mail.contoso.com, O=Contoso, C=NL' -Dns @('mail.contoso.com', 'autodiscover.contoso.com') -From $utc.AddDays(-355) -To $utc.AddDays(10) -Issuer $ca1
@(
    (ConvertTo-DemoExchangeCertificate $ex06Self 'IMAP, POP, SMTP' 'EX06' @('EX06', 'EX06.contoso.com')),
    (ConvertTo-DemoExchangeCertificate $ex06Smtp 'IMAP, POP, IIS, SMTP' 'EX06' @('mail.contoso.com', 'autodiscover.contoso.com'))
) | Export-Clixml -LiteralPath (Join-Path $out 'EX06-Get-ExchangeCertificate.xml')
$ex06Self | Export-Clixml -LiteralPath (Join-Path $out 'EX06-InternalTransportCertificate.xml')
@(
    (New-DemoReceiveConnector 'EX06' 'Default EX06' 'HubTransport' @('0.0.0.0:2525', '[::]:2525')),
    (New-DemoReceiveConnector 'EX06' 'Default Frontend EX06' 'FrontendTransport' @('0.0.0.0:25', '[::]:25') '<I>CN=Contoso Issuing CA 1, O=Contoso, C=NL<S>CN=mail.contoso.com, O=Contoso, C=NL')
) | Export-Clixml -LiteralPath (Join-Path $out 'EX06-Get-ReceiveConnector.xml')

# EX03: the certificate from CA 1 was replaced by one from CA 2; the send connector still names CA 1's
$ex03Self = New-DemoCert -Subject 'CN=EX03' -Dns @('EX03', 'EX03.contoso.com') -From $utc.AddYears(-2) -To $utc.AddYears(3)
$ex03Smtp = New-DemoCert -Subject 'CN=mail.contoso.com, O=Contoso, C=NL' -Dns @('mail.contoso.com', 'autodiscover.contoso.com') -From $utc.AddDays(-20) -To $utc.AddDays(345) -Issuer $ca2
@(
    (ConvertTo-DemoExchangeCertificate $ex03Self 'IMAP, POP, SMTP' 'EX03' @('EX03', 'EX03.contoso.com')),
    (ConvertTo-DemoExchangeCertificate $ex03Smtp 'IMAP, POP, IIS, SMTP' 'EX03' @('mail.contoso.com', 'autodiscover.contoso.com'))
) | Export-Clixml -LiteralPath (Join-Path $out 'EX03-Get-ExchangeCertificate.xml')
$ex03Self | Export-Clixml -LiteralPath (Join-Path $out 'EX03-InternalTransportCertificate.xml')
@(
    (New-DemoReceiveConnector 'EX03' 'Default EX03' 'HubTransport' @('0.0.0.0:2525', '[::]:2525')),
    (New-DemoReceiveConnector 'EX03' 'Default Frontend EX03' 'FrontendTransport' @('0.0.0.0:25', '[::]:25') '<I>CN=Contoso Issuing CA 2, O=Contoso, C=NL<S>CN=mail.contoso.com, O=Contoso, C=NL')
) | Export-Clixml -LiteralPath (Join-Path $out 'EX03-Get-ReceiveConnector.xml')

# The organisation's send connectors (the same list from every server)
$send = [pscustomobject][ordered]@{
    Name = 'Outbound to Office 365'; Identity = 'Outbound to Office 365'; Guid = '6f0f2b5e-3c1d-4e8a-9b7f-2a4c5d6e7f80'; Enabled = $true
    AddressSpaces = @('smtp:contoso.mail.onmicrosoft.com;1'); SmartHosts = @('contoso-com.mail.protection.outlook.com'); DNSRoutingEnabled = $false; Port = 25
    Fqdn = 'mail.contoso.com'; RequireTLS = $true; IgnoreSTARTTLS = $false; TlsAuthLevel = 'DomainValidation'; TlsDomain = 'mail.protection.outlook.com'
    TlsCertificateName = '<I>CN=Contoso Issuing CA 1, O=Contoso, C=NL<S>CN=mail.contoso.com, O=Contoso, C=NL'; CloudServicesMailEnabled = $true
    ProtocolLoggingLevel = 'Verbose'; SourceTransportServers = @('EX01', 'EX02', 'EX03')
}
$send.PSObject.TypeNames.Insert(0, 'Microsoft.Exchange.Data.Directory.SystemConfiguration.SmtpSendConnectorConfig')
$internet = [pscustomobject][ordered]@{
    Name = 'Internet'; Identity = 'Internet'; Guid = '1d2c3b4a-5e6f-4a7b-8c9d-0e1f2a3b4c5d'; Enabled = $true
    AddressSpaces = @('SMTP:*;1'); SmartHosts = @(); DNSRoutingEnabled = $true; Port = 25
    Fqdn = 'mail.contoso.com'; RequireTLS = $false; IgnoreSTARTTLS = $false; TlsAuthLevel = $null; TlsDomain = $null
    TlsCertificateName = $null; CloudServicesMailEnabled = $false; ProtocolLoggingLevel = 'Verbose'; SourceTransportServers = @('EX01', 'EX06')
}
$internet.PSObject.TypeNames.Insert(0, 'Microsoft.Exchange.Data.Directory.SystemConfiguration.SmtpSendConnectorConfig')
@($send, $internet) | Export-Clixml -LiteralPath (Join-Path $out 'Get-SendConnector.xml')
