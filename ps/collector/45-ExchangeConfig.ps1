# Exchange certificates and connectors (schemas/exchange-config.schema.json), read-only.
# Sources, first that applies:
#   exports       the exchangeConfigExports option: Export-Clixml files of Get-ExchangeCertificate, the internal
#                 transport certificate, Get-ReceiveConnector and Get-SendConnector (a server you cannot reach)
#   not-read      .reg exports without exchangeConfigExports: this machine's Exchange is some other server's
#   exchange-shell  the Exchange Management Shell is loaded or its snap-in can be added (2013 and later, or 2010)
#   certificate-store  Windows without the shell: LocalMachine\My through .NET; connectors not read
# Values are reported raw; judging them is the findings stage's job.

function Get-ExTlsProp {
    param($Object, [string]$Name)
    if ($null -eq $Object) { return $null }
    $p = $Object.PSObject.Properties[$Name]
    if ($null -eq $p) { return $null }
    return $p.Value
}

# A (possibly deserialized) value as text; $null and '' stay $null.
function ConvertTo-ExTlsText {
    param($Value)
    if ($null -eq $Value) { return $null }
    $s = [string]$Value
    if ($s -eq '') { return $null }
    return $s
}

# Multi-valued properties (ArrayList after deserialization, MultiValuedProperty live, a flags enum shown as
# "A, B") as a string array.
function ConvertTo-ExTlsTextList {
    param($Value, [switch]$SplitFlags)
    $out = New-Object System.Collections.Generic.List[string]
    if ($null -eq $Value) { return , $out.ToArray() }
    $items = @($Value)
    if ($Value -is [string]) { $items = @($Value) }
    foreach ($i in $items) {
        if ($null -eq $i) { continue }
        $s = [string]$i
        if ($SplitFlags) {
            foreach ($part in ($s -split ',')) { $t = $part.Trim(); if ($t -ne '') { $out.Add($t) } }
        } elseif ($s -ne '') {
            $out.Add($s)
        }
    }
    return , $out.ToArray()
}

function ConvertTo-ExTlsBool {
    param($Value)
    if ($null -eq $Value) { return $null }
    if ($Value -is [bool]) { return $Value }
    $s = [string]$Value
    if ($s -eq 'True') { return $true }
    if ($s -eq 'False') { return $false }
    return $null
}

function ConvertTo-ExTlsIsoTime {
    param($Value)
    if ($null -eq $Value) { return $null }
    try {
        $d = [DateTime]$Value
    } catch {
        return $null
    }
    return $d.ToUniversalTime().ToString('yyyy-MM-ddTHH:mm:ssZ', [Globalization.CultureInfo]::InvariantCulture)
}

# The X509Certificate2 behind a live ExchangeCertificate, a rehydrated one, or a deserialized object's RawData.
function Get-ExTlsX509 {
    param($Object)
    $base = $Object
    if ($Object -is [psobject]) { $base = $Object.PSObject.BaseObject }
    if ($base -is [System.Security.Cryptography.X509Certificates.X509Certificate2]) { return $base }
    $raw = Get-ExTlsProp $Object 'RawData'
    if ($null -eq $raw) { return $null }
    try {
        return New-Object System.Security.Cryptography.X509Certificates.X509Certificate2 -ArgumentList (, [byte[]]@($raw))
    } catch {
        return $null
    }
}

# KeySize through the base class: PowerShell 7's adapter reports it as write-only on the OpenSSL-backed key types.
function Get-ExTlsKeySize {
    param($Key)
    return [int]([System.Security.Cryptography.AsymmetricAlgorithm].GetProperty('KeySize').GetValue($Key, $null))
}

function Get-ExTlsCertKeyInfo {
    param([System.Security.Cryptography.X509Certificates.X509Certificate2]$Cert)
    $info = @{ algorithm = $null; size = $null }
    $oid = $Cert.PublicKey.Oid
    if ($null -ne $oid) {
        $info.algorithm = [string]$oid.FriendlyName
        if (-not $info.algorithm) { $info.algorithm = [string]$oid.Value }
    }
    try {
        if ($oid.Value -eq '1.2.840.113549.1.1.1') {
            # ps51-check: allow .NET Framework 4.6+ type; on 4.5 the catch and the PublicKey.Key fallback below take over
            $k = [System.Security.Cryptography.X509Certificates.RSACertificateExtensions]::GetRSAPublicKey($Cert)
            if ($null -ne $k) { $info.size = Get-ExTlsKeySize $k }
        } elseif ($oid.Value -eq '1.2.840.10045.2.1') {
            # ps51-check: allow .NET Framework 4.6+ type; on 4.5 the catch leaves the size unknown
            $k = [System.Security.Cryptography.X509Certificates.ECDsaCertificateExtensions]::GetECDsaPublicKey($Cert)
            if ($null -ne $k) { $info.size = Get-ExTlsKeySize $k }
        }
    } catch {
        $info.size = $null
    }
    if ($null -eq $info.size -and $oid.Value -eq '1.2.840.113549.1.1.1') {
        # .NET Framework before 4.6 has no GetRSAPublicKey; PublicKey.Key is its RSA provider there.
        try { $info.size = [int]$Cert.PublicKey.Key.KeySize } catch { $info.size = $null }
    }
    return $info
}

# DNS names of the subject alternative name extension (Windows prints "DNS Name=x", other platforms "DNS:x").
function Get-ExTlsCertDnsNames {
    param([System.Security.Cryptography.X509Certificates.X509Certificate2]$Cert)
    $names = New-Object System.Collections.Generic.List[string]
    foreach ($ext in $Cert.Extensions) {
        if ($ext.Oid.Value -ne '2.5.29.17') { continue }
        $text = $ext.Format($false)
        foreach ($m in [regex]::Matches($text, '(?:DNS Name=|DNS:)\s*([^,\s]+)')) { $names.Add($m.Groups[1].Value) }
    }
    return , $names.ToArray()
}

# The certificate's chain as this server builds it (live and certificate-store only: an export is read on another
# machine, whose stores say nothing about the server's). Revocation is not checked (no network calls); an untrusted
# or incomplete chain still lists what was found. Each element's signature algorithm, so that SHA-1 anywhere in the
# chain is seen. $null when it cannot be built.
function Get-ExTlsCertChain {
    param([System.Security.Cryptography.X509Certificates.X509Certificate2]$Cert)
    $chain = New-Object System.Security.Cryptography.X509Certificates.X509Chain
    try {
        $chain.ChainPolicy.RevocationMode = [System.Security.Cryptography.X509Certificates.X509RevocationMode]::NoCheck
        $chain.ChainPolicy.VerificationFlags = [System.Security.Cryptography.X509Certificates.X509VerificationFlags]::AllFlags
        # a missing intermediate is not fetched from the Internet (AIA): .NET 5+ can say so; .NET Framework gets a short time-out
        if ($null -ne $chain.ChainPolicy.PSObject.Properties['DisableCertificateDownloads']) { $chain.ChainPolicy.DisableCertificateDownloads = $true }
        $chain.ChainPolicy.UrlRetrievalTimeout = [TimeSpan]::FromSeconds(2)
        $null = $chain.Build($Cert)
        $out = New-Object System.Collections.Generic.List[object]
        foreach ($element in $chain.ChainElements) {
            $c = $element.Certificate
            $out.Add([ordered]@{
                    subject            = [string]$c.Subject
                    thumbprint         = ([string]$c.Thumbprint).ToUpperInvariant()
                    selfSigned         = ($c.Subject -eq $c.Issuer)
                    signatureAlgorithm = [ordered]@{ oid = [string]$c.SignatureAlgorithm.Value; name = (ConvertTo-ExTlsText $c.SignatureAlgorithm.FriendlyName) }
                })
        }
        return , $out.ToArray()
    } catch {
        return $null
    } finally {
        if ($chain -is [System.IDisposable]) { $chain.Dispose() }
    }
}

# One certificate record. $ExchangeFacts: whether Services/Status/HasPrivateKey on $Object are Exchange's (live
# shell, or a deserialized export that carries them); a bare X509Certificate2 rebuilt from RawData knows no key.
function ConvertTo-ExTlsCertificate {
    param($Object, [bool]$PrivateKeyKnown, [string]$InternalThumbprint, [bool]$WithChain = $false)
    $x = Get-ExTlsX509 $Object
    $thumb = ConvertTo-ExTlsText (Get-ExTlsProp $Object 'Thumbprint')
    if ($null -ne $x) { $thumb = $x.Thumbprint }
    if ($null -eq $thumb) { throw 'a certificate without a thumbprint' }
    $thumb = $thumb.ToUpperInvariant()

    $domains = ConvertTo-ExTlsTextList (Get-ExTlsProp $Object 'DnsNameList')
    if ($domains.Count -eq 0 -and $null -ne $x) { $domains = Get-ExTlsCertDnsNames $x }

    $servicesValue = Get-ExTlsProp $Object 'Services'
    $status = ConvertTo-ExTlsText (Get-ExTlsProp $Object 'Status')
    $selfSigned = ConvertTo-ExTlsBool (Get-ExTlsProp $Object 'IsSelfSigned')
    $services = $null
    if ($null -ne $servicesValue) {
        # Assign first: the helper returns its array wrapped (,$array), which a pipeline would pass as one item.
        $all = ConvertTo-ExTlsTextList $servicesValue -SplitFlags
        $services = [string[]]@($all | Where-Object { $_ -ne 'None' })
    } elseif ($null -ne (Get-ExTlsProp $Object 'SerializationData')) {
        # An export through Exchange's remote PowerShell: the facts are in its binary SerializationData.
        try {
            $facts = Get-ExTlsExchangeCertificateData $Object
            $services = [string[]]@($facts.services | Where-Object { $null -ne $_ })
            if ($null -eq $facts.services) { $services = $null }
            if ($null -eq $status) { $status = $facts.status }
            if ($null -eq $selfSigned) { $selfSigned = $facts.selfSigned }
        } catch {
            Add-ExTlsWarning -Section 'exchangeConfig' -Message "certificate ${thumb}: SerializationData not readable ($($_.Exception.Message)): services and status unknown"
        }
    }

    $hasKey = $null
    if ($PrivateKeyKnown) { $hasKey = ConvertTo-ExTlsBool (Get-ExTlsProp $Object 'HasPrivateKey') }

    $key = @{ algorithm = $null; size = $null }
    $sigOid = $null; $sigName = $null
    if ($null -ne $x) {
        $key = Get-ExTlsCertKeyInfo $x
        $sigOid = [string]$x.SignatureAlgorithm.Value
        $sigName = ConvertTo-ExTlsText $x.SignatureAlgorithm.FriendlyName
        if ($null -eq $selfSigned) { $selfSigned = ($x.Subject -eq $x.Issuer) }
    }
    $subject = ConvertTo-ExTlsText (Get-ExTlsProp $Object 'Subject')
    $issuer = ConvertTo-ExTlsText (Get-ExTlsProp $Object 'Issuer')
    $notBefore = ConvertTo-ExTlsIsoTime (Get-ExTlsProp $Object 'NotBefore')
    $notAfter = ConvertTo-ExTlsIsoTime (Get-ExTlsProp $Object 'NotAfter')
    if ($null -ne $x) {
        $subject = $x.Subject; $issuer = $x.Issuer
        $notBefore = ConvertTo-ExTlsIsoTime $x.NotBefore; $notAfter = ConvertTo-ExTlsIsoTime $x.NotAfter
    }
    $record = [ordered]@{
        thumbprint          = $thumb
        subject             = $subject
        issuer              = $issuer
        friendlyName        = ConvertTo-ExTlsText (Get-ExTlsProp $Object 'FriendlyName')
        domains             = [string[]]$domains
        notBefore           = $notBefore
        notAfter            = $notAfter
        services            = $services
        status              = $status
        hasPrivateKey       = $hasKey
        isSelfSigned        = $selfSigned
        keyAlgorithm        = $key.algorithm
        keySize             = $key.size
        signatureAlgorithm  = [ordered]@{ oid = $sigOid; name = $sigName }
        internalTransport   = ($null -ne $InternalThumbprint -and $thumb -eq $InternalThumbprint)
    }
    if ($WithChain -and $null -ne $x) {
        $chain = Get-ExTlsCertChain $x
        if ($null -ne $chain) { $record.chain = $chain }
    }
    return $record
}

function ConvertTo-ExTlsReceiveConnector {
    param($Object)
    return [ordered]@{
        name                  = ConvertTo-ExTlsText (Get-ExTlsProp $Object 'Name')
        identity              = ConvertTo-ExTlsText (Get-ExTlsProp $Object 'Identity')
        server                = ConvertTo-ExTlsText (Get-ExTlsProp $Object 'Server')
        enabled               = ConvertTo-ExTlsBool (Get-ExTlsProp $Object 'Enabled')
        transportRole         = ConvertTo-ExTlsText (Get-ExTlsProp $Object 'TransportRole')
        bindings              = [string[]](ConvertTo-ExTlsTextList (Get-ExTlsProp $Object 'Bindings'))
        fqdn                  = ConvertTo-ExTlsText (Get-ExTlsProp $Object 'Fqdn')
        authMechanism         = [string[]](ConvertTo-ExTlsTextList (Get-ExTlsProp $Object 'AuthMechanism') -SplitFlags)
        permissionGroups      = [string[]](ConvertTo-ExTlsTextList (Get-ExTlsProp $Object 'PermissionGroups') -SplitFlags)
        requireTls            = ConvertTo-ExTlsBool (Get-ExTlsProp $Object 'RequireTLS')
        tlsCertificateName    = ConvertTo-ExTlsText (Get-ExTlsProp $Object 'TlsCertificateName')
        tlsDomainCapabilities = [string[]](ConvertTo-ExTlsTextList (Get-ExTlsProp $Object 'TlsDomainCapabilities'))
    }
}

function ConvertTo-ExTlsSendConnector {
    param($Object)
    $port = Get-ExTlsProp $Object 'Port'
    if ($null -ne $port) { try { $port = [int]$port } catch { $port = $null } }
    return [ordered]@{
        name                     = ConvertTo-ExTlsText (Get-ExTlsProp $Object 'Name')
        identity                 = ConvertTo-ExTlsText (Get-ExTlsProp $Object 'Identity')
        guid                     = ConvertTo-ExTlsText (Get-ExTlsProp $Object 'Guid')
        enabled                  = ConvertTo-ExTlsBool (Get-ExTlsProp $Object 'Enabled')
        addressSpaces            = [string[]](ConvertTo-ExTlsTextList (Get-ExTlsProp $Object 'AddressSpaces'))
        smartHosts               = [string[]](ConvertTo-ExTlsTextList (Get-ExTlsProp $Object 'SmartHosts'))
        dnsRoutingEnabled        = ConvertTo-ExTlsBool (Get-ExTlsProp $Object 'DNSRoutingEnabled')
        port                     = $port
        fqdn                     = ConvertTo-ExTlsText (Get-ExTlsProp $Object 'Fqdn')
        requireTls               = ConvertTo-ExTlsBool (Get-ExTlsProp $Object 'RequireTLS')
        ignoreStartTls           = ConvertTo-ExTlsBool (Get-ExTlsProp $Object 'IgnoreSTARTTLS')
        tlsAuthLevel             = ConvertTo-ExTlsText (Get-ExTlsProp $Object 'TlsAuthLevel')
        tlsDomain                = ConvertTo-ExTlsText (Get-ExTlsProp $Object 'TlsDomain')
        tlsCertificateName       = ConvertTo-ExTlsText (Get-ExTlsProp $Object 'TlsCertificateName')
        cloudServicesMailEnabled = ConvertTo-ExTlsBool (Get-ExTlsProp $Object 'CloudServicesMailEnabled')
        sourceTransportServers   = [string[]](ConvertTo-ExTlsTextList (Get-ExTlsProp $Object 'SourceTransportServers'))
    }
}

# Get-HybridConfiguration (organisation-wide): the certificate the Hybrid Configuration wizard set on the connectors,
# and the servers that send to and receive from Exchange Online.
function ConvertTo-ExTlsHybridConfiguration {
    param($Object)
    # $null: read, and the organisation has none (configured false)
    $instance = Get-ExTlsProp $Object 'ServiceInstance'
    if ($null -ne $instance) { try { $instance = [int]$instance } catch { $instance = $null } }
    return [ordered]@{
        configured                = ($null -ne $Object)
        tlsCertificateName        = ConvertTo-ExTlsText (Get-ExTlsProp $Object 'TlsCertificateName')
        sendingTransportServers   = [string[]](ConvertTo-ExTlsTextList (Get-ExTlsProp $Object 'SendingTransportServers'))
        receivingTransportServers = [string[]](ConvertTo-ExTlsTextList (Get-ExTlsProp $Object 'ReceivingTransportServers'))
        edgeTransportServers      = [string[]](ConvertTo-ExTlsTextList (Get-ExTlsProp $Object 'EdgeTransportServers'))
        onPremisesSmartHost       = ConvertTo-ExTlsText (Get-ExTlsProp $Object 'OnPremisesSmartHost')
        domains                   = [string[]](ConvertTo-ExTlsTextList (Get-ExTlsProp $Object 'Domains'))
        features                  = [string[]](ConvertTo-ExTlsTextList (Get-ExTlsProp $Object 'Features'))
        serviceInstance           = $instance
    }
}

function New-ExTlsExchangeConfig {
    param([string]$Source, $Message = $null)
    return [ordered]@{
        source                         = $Source
        message                        = $Message
        files                          = [string[]]@()
        certificates                   = $null
        internalTransportThumbprint    = $null
        receiveConnectors              = $null
        sendConnectors                 = $null
        hybridConfiguration            = $null
    }
}

# Converts each object ($Kind: certificate, receive, send); one bad object is a warning, not the end of the list.
# (No script block callbacks: a closure made with GetNewClosure loses the collector's functions in some hosts.)
function ConvertTo-ExTlsList {
    param([object[]]$Objects, [string]$Kind, [string]$InternalThumbprint = $null, [switch]$FromExport)
    $out = New-Object System.Collections.Generic.List[object]
    foreach ($o in $Objects) {
        if ($null -eq $o) { continue }
        try {
            switch ($Kind) {
                'certificate' {
                    # A rebuilt X509Certificate2 (the export held only its RawData) says nothing about the private key.
                    $known = $true
                    if ($FromExport) {
                        $known = ($o.PSObject.BaseObject -isnot [System.Security.Cryptography.X509Certificates.X509Certificate2]) -and ($null -ne $o.PSObject.Properties['HasPrivateKey'])
                    }
                    $out.Add((ConvertTo-ExTlsCertificate -Object $o -PrivateKeyKnown $known -InternalThumbprint $InternalThumbprint -WithChain (-not $FromExport)))
                }
                'receive' { $out.Add((ConvertTo-ExTlsReceiveConnector $o)) }
                'send' { $out.Add((ConvertTo-ExTlsSendConnector $o)) }
            }
        } catch {
            Add-ExTlsWarning -Section 'exchangeConfig' -Message "${Kind}: $($_.Exception.Message)"
        }
    }
    return , $out.ToArray()
}

function Import-ExTlsClixmlList {
    param([string[]]$Files, $Result)
    $objects = New-Object System.Collections.Generic.List[object]
    foreach ($f in $Files) {
        $Result.files += , $f
        foreach ($o in @(Import-Clixml -LiteralPath $f)) { if ($null -ne $o) { $objects.Add($o) } }
    }
    return , $objects.ToArray()
}

# The exchangeConfigExports option: { certificates, internalTransportCertificate, receiveConnectors, sendConnectors,
# hybridConfiguration },
# each an array of Export-Clixml files. A file that cannot be read leaves its list null ("not read") with a warning.
function Read-ExTlsExchangeConfigExports {
    param($Exports)
    $result = New-ExTlsExchangeConfig -Source 'exports' -Message $null
    $lists = @{}
    foreach ($name in @('certificates', 'internalTransportCertificate', 'receiveConnectors', 'sendConnectors', 'hybridConfiguration')) {
        $value = Get-ExTlsProp $Exports $name
        if ($null -eq $value) { continue }
        $files = @($value)
        foreach ($f in $files) {
            if ($f -isnot [string] -or $f.Trim() -eq '') { throw "option exchangeConfigExports.$name must be an array of Export-Clixml file paths" }
        }
        try {
            $lists[$name] = Import-ExTlsClixmlList -Files ([string[]]$files) -Result $result
        } catch {
            Add-ExTlsWarning -Section 'exchangeConfig' -Message "exchangeConfigExports.${name}: $($_.Exception.Message)"
        }
    }
    if ($lists.ContainsKey('internalTransportCertificate')) {
        foreach ($o in $lists['internalTransportCertificate']) {
            $x = Get-ExTlsX509 $o
            $t = ConvertTo-ExTlsText (Get-ExTlsProp $o 'Thumbprint')
            if ($null -ne $x) { $t = $x.Thumbprint }
            if ($null -ne $t) { $result.internalTransportThumbprint = $t.ToUpperInvariant(); break }
        }
    }
    $itt = $result.internalTransportThumbprint
    if ($lists.ContainsKey('certificates')) { $result.certificates = ConvertTo-ExTlsList -Objects $lists['certificates'] -Kind 'certificate' -InternalThumbprint $itt -FromExport }
    if ($lists.ContainsKey('receiveConnectors')) { $result.receiveConnectors = ConvertTo-ExTlsList -Objects $lists['receiveConnectors'] -Kind 'receive' }
    if ($lists.ContainsKey('sendConnectors')) { $result.sendConnectors = ConvertTo-ExTlsList -Objects $lists['sendConnectors'] -Kind 'send' }
    if ($lists.ContainsKey('hybridConfiguration')) {
        # An empty export is an organisation without a hybrid configuration: read, and none.
        $first = @($lists['hybridConfiguration'] | Where-Object { @($_.PSObject.Properties).Count -gt 0 } | Select-Object -First 1)
        $result.hybridConfiguration = ConvertTo-ExTlsHybridConfiguration $(if ($first.Count -gt 0) { $first[0] } else { $null })
    }
    $missing = @(@('certificates', 'receiveConnectors', 'sendConnectors') | Where-Object { $null -eq $result[$_] })
    if ($missing.Count -gt 0) { $result.message = "not in the exports: $($missing -join ', ')" }
    return $result
}

# Loads the Exchange Management Shell snap-in when it is installed but not loaded (Windows PowerShell only).
function Test-ExTlsExchangeShell {
    if (Get-Command -Name 'Get-ExchangeCertificate' -ErrorAction SilentlyContinue) { return $true }
    if (-not (Get-Command -Name 'Add-PSSnapin' -ErrorAction SilentlyContinue)) { return $false }
    foreach ($snapIn in @('Microsoft.Exchange.Management.PowerShell.SnapIn', 'Microsoft.Exchange.Management.PowerShell.E2010')) {
        $registered = @(Get-PSSnapin -Registered -Name $snapIn -ErrorAction SilentlyContinue)
        if ($registered.Count -eq 0) { continue }
        try {
            Add-PSSnapin -Name $snapIn -ErrorAction Stop
            return $true
        } catch {
            Add-ExTlsWarning -Section 'exchangeConfig' -Message "cannot load ${snapIn}: $($_.Exception.Message)"
        }
    }
    return [bool](Get-Command -Name 'Get-ExchangeCertificate' -ErrorAction SilentlyContinue)
}

function Read-ExTlsExchangeConfigLive {
    param([string]$Server)
    $result = New-ExTlsExchangeConfig -Source 'exchange-shell' -Message $null
    $notRead = New-Object System.Collections.Generic.List[string]
    try {
        $transport = $null
        if (Get-Command -Name 'Get-TransportService' -ErrorAction SilentlyContinue) { $transport = Get-TransportService -Identity $Server -ErrorAction Stop }
        elseif (Get-Command -Name 'Get-TransportServer' -ErrorAction SilentlyContinue) { $transport = Get-TransportServer -Identity $Server -ErrorAction Stop }
        $t = ConvertTo-ExTlsText (Get-ExTlsProp $transport 'InternalTransportCertificateThumbprint')
        if ($null -ne $t) { $result.internalTransportThumbprint = $t.ToUpperInvariant() }
    } catch {
        Add-ExTlsWarning -Section 'exchangeConfig' -Message "internal transport certificate: $($_.Exception.Message)"
    }
    $itt = $result.internalTransportThumbprint
    try {
        $certs = @(Get-ExchangeCertificate -Server $Server -ErrorAction Stop)
        $result.certificates = ConvertTo-ExTlsList -Objects $certs -Kind 'certificate' -InternalThumbprint $itt
    } catch {
        Add-ExTlsWarning -Section 'exchangeConfig' -Message "Get-ExchangeCertificate: $($_.Exception.Message)"; $notRead.Add('certificates')
    }
    try {
        $rc = @(Get-ReceiveConnector -Server $Server -ErrorAction Stop)
        $result.receiveConnectors = ConvertTo-ExTlsList -Objects $rc -Kind 'receive'
    } catch {
        Add-ExTlsWarning -Section 'exchangeConfig' -Message "Get-ReceiveConnector: $($_.Exception.Message)"; $notRead.Add('receiveConnectors')
    }
    try {
        $sc = @(Get-SendConnector -ErrorAction Stop)
        $result.sendConnectors = ConvertTo-ExTlsList -Objects $sc -Kind 'send'
    } catch {
        Add-ExTlsWarning -Section 'exchangeConfig' -Message "Get-SendConnector: $($_.Exception.Message)"; $notRead.Add('sendConnectors')
    }
    if (Get-Command -Name 'Get-HybridConfiguration' -ErrorAction SilentlyContinue) {
        try {
            $hybrid = @(Get-HybridConfiguration -ErrorAction Stop | Where-Object { $null -ne $_ })
            $result.hybridConfiguration = ConvertTo-ExTlsHybridConfiguration $(if ($hybrid.Count -gt 0) { $hybrid[0] } else { $null })
        } catch {
            Add-ExTlsWarning -Section 'exchangeConfig' -Message "Get-HybridConfiguration: $($_.Exception.Message)"; $notRead.Add('hybridConfiguration')
        }
    }
    if ($notRead.Count -gt 0) { $result.message = "not read: $($notRead.ToArray() -join ', ')" }
    return $result
}

function Read-ExTlsCertificateStore {
    $result = New-ExTlsExchangeConfig -Source 'certificate-store' -Message 'Exchange Management Shell not available: certificates read from LocalMachine\My, connectors not read'
    $store = New-Object System.Security.Cryptography.X509Certificates.X509Store -ArgumentList @('My', 'LocalMachine')
    try {
        $store.Open([System.Security.Cryptography.X509Certificates.OpenFlags]'ReadOnly, OpenExistingOnly')
        $result.certificates = ConvertTo-ExTlsList -Objects @($store.Certificates) -Kind 'certificate'
    } finally {
        $store.Close()
    }
    return $result
}

function Get-ExTlsExchangeConfig {
    param($Options, [string]$ComputerName)
    $exports = Get-ExTlsOption $Options 'exchangeConfigExports'
    if ($null -ne $exports) {
        if ($exports -isnot [psobject] -or $exports -is [string] -or $exports -is [array]) {
            throw 'option exchangeConfigExports must be an object: {"certificates":[...],"internalTransportCertificate":[...],"receiveConnectors":[...],"sendConnectors":[...],"hybridConfiguration":[...]}'
        }
        return Read-ExTlsExchangeConfigExports $exports
    }
    if ($script:ExTlsReg.Kind -ne 'live') {
        return New-ExTlsExchangeConfig -Source 'not-read' -Message 'offline (.reg exports) without exchangeConfigExports: certificates and connectors were not read'
    }
    if ((Get-ExTlsOption $Options 'readExchangeConfig' $true) -eq $false) {
        return New-ExTlsExchangeConfig -Source 'not-read' -Message 'readExchangeConfig is false'
    }
    if (Test-ExTlsExchangeShell) { return Read-ExTlsExchangeConfigLive -Server $ComputerName }
    $onWindows = [Environment]::OSVersion.Platform -eq [PlatformID]::Win32NT
    if ($onWindows) { return Read-ExTlsCertificateStore }
    return New-ExTlsExchangeConfig -Source 'not-read' -Message 'Exchange Management Shell not available and no Windows certificate store: certificates and connectors were not read'
}
