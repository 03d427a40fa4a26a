# Writes the demo's Exchange exports (Export-Clixml files shaped like Get-ExchangeCertificate, Get-ReceiveConnector,
# Get-SendConnector and Get-HybridConfiguration output seen through remote PowerShell) for EX03 and EX06. Synthetic
# certificates: a demo CA and the servers' certificates, with dates around the demo's reference time (2026-11-28T12:00:00Z).
#   EX06  its SMTP certificate (mail.contoso.com) expires 2026-12-08, ten days after the reference time (still valid:
#         never the cause of a failure); an old SHA-1 signed certificate, revoked by the CA, is what its "Inbound from
#         Office 365" connector presents to Exchange Online; its "Client Frontend" connector's FQDN (smtp.contoso.com)
#         is on no SMTP certificate
#   EX03  the "Outbound to Office 365" connector names the certificate of "Contoso Issuing CA 1", which was replaced
#         by one from "Contoso Issuing CA 2": the connector's certificate is gone (UnknownCredentials in its log), and
#         it is not the certificate the hybrid configuration names; its Default Frontend connector accepts cloud mail
#         for fabrikam.com instead of mail.protection.outlook.com, with no certificate name; its internal transport
#         certificate was deleted
#   organisation  the hybrid configuration (EX03 sends, EX03 and EX06 receive); a partner relay through Exchange Online
#         sourced by EX06 without CloudServicesMailEnabled, TlsCertificateName or TlsAuthLevel
# Run with PowerShell 7: pwsh -File New-DemoExchangeExports.ps1
$ErrorActionPreference = 'Stop'
Set-StrictMode -Version 2
$out = $PSScriptRoot
$utc = [DateTimeOffset]::Parse('2026-11-28T12:00:00Z')

Add-Type -TypeDefinition @'
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
public sealed class DemoSha1RsaSignatureGenerator : X509SignatureGenerator {
    private readonly RSA key;
    public DemoSha1RsaSignatureGenerator(RSA key) { this.key = key; }
    // AlgorithmIdentifier sha1WithRSAEncryption (1.2.840.113549.1.1.5), NULL parameters
    public override byte[] GetSignatureAlgorithmIdentifier(HashAlgorithmName hashAlgorithm) {
        return new byte[] { 0x30, 0x0D, 0x06, 0x09, 0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x01, 0x01, 0x05, 0x05, 0x00 };
    }
    public override byte[] SignData(byte[] data, HashAlgorithmName hashAlgorithm) {
        return key.SignData(data, HashAlgorithmName.SHA1, RSASignaturePadding.Pkcs1);
    }
    protected override PublicKey BuildPublicKey() { return PublicKey.CreateFromSubjectPublicKeyInfo(key.ExportSubjectPublicKeyInfo(), out _); }
}
'@

function New-DemoCert {
    param([string]$Subject, [string[]]$Dns, [DateTimeOffset]$From, [DateTimeOffset]$To, $Issuer = $null, [string]$Hash = 'SHA256')
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
    if ($Hash -eq 'SHA1') {
        # .NET's own RSA signature generator no longer offers SHA-1: a small one that signs sha1WithRSAEncryption
        $gen = [DemoSha1RsaSignatureGenerator]::new([System.Security.Cryptography.X509Certificates.RSACertificateExtensions]::GetRSAPrivateKey($Issuer))
        $leaf = $req.Create($Issuer.SubjectName, $gen, $From, $To, $serial)
        return [System.Security.Cryptography.X509Certificates.RSACertificateExtensions]::CopyWithPrivateKey($leaf, $key)
    }
    return [System.Security.Cryptography.X509Certificates.RSACertificateExtensions]::CopyWithPrivateKey($req.Create($Issuer, $From, $To, $serial), $key)
}

function ConvertTo-DemoExchangeCertificate {
    param($Cert, [string]$Services, [string]$Server, [string[]]$Dns, [string]$Status = 'Valid')
    $o = [pscustomobject][ordered]@{
        RawData       = $Cert.RawData
        Thumbprint    = $Cert.Thumbprint
        Subject       = $Cert.Subject
        Issuer        = $Cert.Issuer
        NotBefore     = $Cert.NotBefore.ToUniversalTime()
        NotAfter      = $Cert.NotAfter.ToUniversalTime()
        FriendlyName  = ''
        Services      = $Services
        Status        = $Status
        HasPrivateKey = $true
        IsSelfSigned  = ($Cert.Subject -eq $Cert.Issuer)
        DnsNameList   = $Dns
        Identity      = "$Server\$($Cert.Thumbprint)"
    }
    $o.PSObject.TypeNames.Insert(0, 'Microsoft.Exchange.Management.SystemConfigurationTasks.ExchangeCertificate')
    return $o
}

function New-DemoReceiveConnector {
    param([string]$Server, [string]$Name, [string]$Role, [string[]]$Bindings, [string]$Tls = $null, [string]$Fqdn = "$Server.contoso.com", [string[]]$Capabilities = @())
    $o = [pscustomobject][ordered]@{
        Name = $Name; Identity = "$Server\$Name"; Server = $Server; Enabled = $true; TransportRole = $Role
        Bindings = $Bindings; Fqdn = $Fqdn; AuthMechanism = 'Tls, Integrated, BasicAuth, BasicAuthRequireTLS, ExchangeServer'
        PermissionGroups = 'AnonymousUsers, ExchangeServers, ExchangeLegacyServers'; RequireTLS = $false; TlsCertificateName = $Tls
        TlsDomainCapabilities = $Capabilities
    }
    $o.PSObject.TypeNames.Insert(0, 'Microsoft.Exchange.Data.Directory.SystemConfiguration.ReceiveConnector')
    return $o
}

$ca1 = New-DemoCert -Subject 'CN=Contoso Issuing CA 1, O=Contoso, C=NL' -From $utc.AddYears(-6) -To $utc.AddYears(4)
$ca2 = New-DemoCert -Subject 'CN=Contoso Issuing CA 2, O=Contoso, C=NL' -From $utc.AddYears(-1) -To $utc.AddYears(9)

# EX06: the SMTP certificate expires ten days after the reference time
$ex06Self = New-DemoCert -Subject 'CN=EX06' -Dns @('EX06', 'EX06.contoso.com') -From $utc.AddYears(-2) -To $utc.AddYears(3)
$ex06Smtp = New-DemoCert -Subject 'CN=mail.contoso.com, O=Contoso, C=NL' -Dns @('mail.contoso.com', 'autodiscover.contoso.com') -From $utc.AddDays(-355) -To $utc.AddDays(10) -Issuer $ca1
# EX06: an old SHA-1 signed certificate, revoked by the CA, still presented to Exchange Online by a cloud connector
$ex06Legacy = New-DemoCert -Subject 'CN=relay.contoso.com, O=Contoso, C=NL' -Dns @('relay.contoso.com') -From $utc.AddYears(-2) -To $utc.AddDays(200) -Issuer $ca1 -Hash 'SHA1'
@(
    (ConvertTo-DemoExchangeCertificate $ex06Self 'IMAP, POP, SMTP' 'EX06' @('EX06', 'EX06.contoso.com')),
    (ConvertTo-DemoExchangeCertificate $ex06Smtp 'IMAP, POP, IIS, SMTP' 'EX06' @('mail.contoso.com', 'autodiscover.contoso.com')),
    (ConvertTo-DemoExchangeCertificate $ex06Legacy 'SMTP' 'EX06' @('relay.contoso.com') 'Revoked')
) | Export-Clixml -LiteralPath (Join-Path $out 'EX06-Get-ExchangeCertificate.xml')
$ex06Self | Export-Clixml -LiteralPath (Join-Path $out 'EX06-InternalTransportCertificate.xml')
@(
    (New-DemoReceiveConnector 'EX06' 'Default EX06' 'HubTransport' @('0.0.0.0:2525', '[::]:2525')),
    (New-DemoReceiveConnector 'EX06' 'Default Frontend EX06' 'FrontendTransport' @('0.0.0.0:25', '[::]:25') '<I>CN=Contoso Issuing CA 1, O=Contoso, C=NL<S>CN=mail.contoso.com, O=Contoso, C=NL'),
    (New-DemoReceiveConnector 'EX06' 'Inbound from Office 365 EX06' 'FrontendTransport' @('192.0.2.60:25') '<I>CN=Contoso Issuing CA 1, O=Contoso, C=NL<S>CN=relay.contoso.com, O=Contoso, C=NL' -Fqdn 'relay.contoso.com' -Capabilities @('mail.protection.outlook.com:AcceptCloudServicesMail')),
    (New-DemoReceiveConnector 'EX06' 'Client Frontend EX06' 'FrontendTransport' @('0.0.0.0:587', '[::]:587') -Fqdn 'smtp.contoso.com')
) | Export-Clixml -LiteralPath (Join-Path $out 'EX06-Get-ReceiveConnector.xml')

# EX03: the certificate from CA 1 was replaced by one from CA 2; the send connector still names CA 1's
$ex03Self = New-DemoCert -Subject 'CN=EX03' -Dns @('EX03', 'EX03.contoso.com') -From $utc.AddYears(-2) -To $utc.AddYears(3)
$ex03Smtp = New-DemoCert -Subject 'CN=mail.contoso.com, O=Contoso, C=NL' -Dns @('mail.contoso.com', 'autodiscover.contoso.com') -From $utc.AddDays(-20) -To $utc.AddDays(345) -Issuer $ca2
@(
    (ConvertTo-DemoExchangeCertificate $ex03Self 'IMAP, POP, SMTP' 'EX03' @('EX03', 'EX03.contoso.com')),
    (ConvertTo-DemoExchangeCertificate $ex03Smtp 'IMAP, POP, IIS, SMTP' 'EX03' @('mail.contoso.com', 'autodiscover.contoso.com'))
) | Export-Clixml -LiteralPath (Join-Path $out 'EX03-Get-ExchangeCertificate.xml')
# EX03's internal transport certificate (the one Get-TransportService names) was deleted from the server
$ex03OldSelf = New-DemoCert -Subject 'CN=EX03' -Dns @('EX03', 'EX03.contoso.com') -From $utc.AddYears(-5) -To $utc.AddYears(1)
$ex03OldSelf | Export-Clixml -LiteralPath (Join-Path $out 'EX03-InternalTransportCertificate.xml')
@(
    (New-DemoReceiveConnector 'EX03' 'Default EX03' 'HubTransport' @('0.0.0.0:2525', '[::]:2525')),
    (New-DemoReceiveConnector 'EX03' 'Default Frontend EX03' 'FrontendTransport' @('0.0.0.0:25', '[::]:25') -Capabilities @('fabrikam.com:AcceptCloudServicesMail'))
) | Export-Clixml -LiteralPath (Join-Path $out 'EX03-Get-ReceiveConnector.xml')

# The organisation's send connectors (the same list from every server)
$send = [pscustomobject][ordered]@{
    Name = 'Outbound to Office 365'; Identity = 'Outbound to Office 365'; Guid = '6f0f2b5e-3c1d-4e8a-9b7f-2a4c5d6e7f80'; Enabled = $true
    AddressSpaces = @('smtp:contoso.mail.onmicrosoft.com;1'); SmartHosts = @('contoso-com.mail.protection.outlook.com'); DNSRoutingEnabled = $false; Port = 25
    Fqdn = 'mail.contoso.com'; RequireTLS = $true; IgnoreSTARTTLS = $false; TlsAuthLevel = 'DomainValidation'; TlsDomain = 'mail.protection.outlook.com'
    TlsCertificateName = '<I>CN=Contoso Issuing CA 1, O=Contoso, C=NL<S>CN=mail.contoso.com, O=Contoso, C=NL'; CloudServicesMailEnabled = $true
    SourceTransportServers = @('EX03')
}
$send.PSObject.TypeNames.Insert(0, 'Microsoft.Exchange.Data.Directory.SystemConfiguration.SmtpSendConnectorConfig')
$internet = [pscustomobject][ordered]@{
    Name = 'Internet'; Identity = 'Internet'; Guid = '1d2c3b4a-5e6f-4a7b-8c9d-0e1f2a3b4c5d'; Enabled = $true
    AddressSpaces = @('SMTP:*;1'); SmartHosts = @(); DNSRoutingEnabled = $true; Port = 25
    Fqdn = 'mail.contoso.com'; RequireTLS = $false; IgnoreSTARTTLS = $false; TlsAuthLevel = $null; TlsDomain = $null
    TlsCertificateName = $null; CloudServicesMailEnabled = $false; SourceTransportServers = @('EX01', 'EX06')
}
$internet.PSObject.TypeNames.Insert(0, 'Microsoft.Exchange.Data.Directory.SystemConfiguration.SmtpSendConnectorConfig')
$relay = [pscustomobject][ordered]@{
    Name = 'Partner relay via Office 365'; Identity = 'Partner relay via Office 365'; Guid = '9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d'; Enabled = $true
    AddressSpaces = @('smtp:fabrikam.com;1'); SmartHosts = @('contoso-com.mail.protection.outlook.com'); DNSRoutingEnabled = $false; Port = 25
    Fqdn = 'mail.contoso.com'; RequireTLS = $true; IgnoreSTARTTLS = $false; TlsAuthLevel = $null; TlsDomain = $null
    TlsCertificateName = $null; CloudServicesMailEnabled = $false; SourceTransportServers = @('EX06')
}
$relay.PSObject.TypeNames.Insert(0, 'Microsoft.Exchange.Data.Directory.SystemConfiguration.SmtpSendConnectorConfig')
@($send, $internet, $relay) | Export-Clixml -LiteralPath (Join-Path $out 'Get-SendConnector.xml')

# The organisation's hybrid configuration: the Hybrid Configuration wizard ran after the renewal (CA 2's certificate)
$hybrid = [pscustomobject][ordered]@{
    Name = 'Hybrid Configuration'; TlsCertificateName = '<I>CN=Contoso Issuing CA 2, O=Contoso, C=NL<S>CN=mail.contoso.com, O=Contoso, C=NL'
    SendingTransportServers = @('EX03'); ReceivingTransportServers = @('EX03', 'EX06'); EdgeTransportServers = @()
    OnPremisesSmartHost = 'mail.contoso.com'; Domains = @('contoso.com'); Features = @('FreeBusy', 'MoveMailbox', 'Mailtips', 'MessageTracking', 'OwaRedirection', 'OnlineArchive', 'SecureMail', 'Photos')
    ServiceInstance = 0
}
$hybrid.PSObject.TypeNames.Insert(0, 'Microsoft.Exchange.Data.Directory.SystemConfiguration.HybridConfiguration')
$hybrid | Export-Clixml -LiteralPath (Join-Path $out 'Get-HybridConfiguration.xml')
