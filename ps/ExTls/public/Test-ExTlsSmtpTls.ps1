function Test-ExTlsSmtpTls {
    <#
    .SYNOPSIS
        Checks SMTP endpoints from outside: is STARTTLS offered, and which of TLS 1.0, 1.1, 1.2 and 1.3 each one accepts.

    .DESCRIPTION
        Runs `extls probe`: per endpoint one SMTP dialogue to read the banner and EHLO, then one STARTTLS handshake
        per TLS version, plus the certificate and whether mail without TLS is refused. Returns one
        ExTls.SmtpTlsResult per endpoint: Endpoint, Server, Status, StartTls, Tls10, Tls11, Tls12, Tls13 (accepted,
        refused, error or not-tested), AcceptedVersions, LegacyAccepted, Tls12Accepted, CertificateSubject,
        CertificateDaysToExpiry, Category, Message and Result (the whole result, schemas/probe-result.schema.json).

        Probing is read-only: no mail is sent (the MAIL FROM test is reset before any recipient).

        An endpoint that cannot be probed (dns, refused, unreachable, timeout, rejected, protocol, closed, error) is a
        non-terminating error with the endpoint as TargetObject and ErrorId 'ExTls.EndpointFailed,<category>', plus
        its result object; -EnableException throws instead.

    .PARAMETER ComputerName
        Host names, IP addresses or host:port endpoints ([IPv6]:port for IPv6). Takes objects with a Fqdn,
        DNSHostName, Name or ComputerName property from the pipeline, so Get-ExchangeServer output pipes in;
        a DNS name is labelled with its first label (EX01) in Server to join the inventory.

    .PARAMETER Port
        SMTP port for endpoints given without one (default 25).

    .PARAMETER TimeoutSeconds
        Time limit for each step (connect, each reply, each TLS handshake), default 10.

    .PARAMETER ThrottleLimit
        Endpoints probed at the same time (default 8).

    .PARAMETER EhloName
        The name sent with EHLO (default: this computer's name).

    .PARAMETER CertificateAuthorityPath
        PEM files with CA certificates to trust in addition to Node.js's bundled roots (your internal CA).

    .PARAMETER AsExchangeOnline
        Also make the handshake as Exchange Online makes it (extls probe --as exchange-online): TLS 1.2 offering
        exactly the cipher suites Microsoft 365 accepts, in its order. Adds ExchangeOnline (yes, no or unknown),
        ExchangeOnlineSuite (the suite chosen), ExchangeOnlineReason (why not), ServerSuites (on no: the suites the
        server takes instead), CertificateThumbprint (SHA-1, as Get-ExchangeCertificate shows it) and
        CertificateProblems (the certificate as Exchange Online judges it: name, chain, expiry, key size, hash).

    .PARAMETER ExpectedName
        With -AsExchangeOnline: the FQDN Exchange Online's connector expects on the certificate (its smart host or
        TlsDomain). Without it, a host name given as ComputerName is checked.

    .PARAMETER EnableException
        Throw a terminating error for the first endpoint that cannot be probed.

    .EXAMPLE
        PS C:\> Test-ExTlsSmtpTls -ComputerName mail.contoso.com

        Which TLS versions the public MX accepts over STARTTLS on port 25.

    .EXAMPLE
        PS C:\> Get-ExchangeServer | Test-ExTlsSmtpTls -CertificateAuthorityPath .\contoso-root.pem | Where-Object Tls12 -ne 'accepted'

        Every Exchange server's port 25, trusting the internal CA; shows the ones that cannot do TLS 1.2 yet.

    .EXAMPLE
        PS C:\> 'ex01.contoso.com:587', 'edge01.contoso.com', '[2001:db8::25]:25' | Test-ExTlsSmtpTls -TimeoutSeconds 5 |
        >>     Select-Object Endpoint, StartTls, AcceptedVersions, CertificateDaysToExpiry

        Client submission on 587, an Edge server and an IPv6 endpoint.

    .EXAMPLE
        PS C:\> Test-ExTlsSmtpTls -ComputerName mail.contoso.com -AsExchangeOnline -ExpectedName mail.contoso.com |
        >>     Select-Object Endpoint, ExchangeOnline, ExchangeOnlineSuite, ServerSuites, CertificateProblems

        Will Exchange Online's TLS 1.2 client get through to the hybrid endpoint, and would its connector accept the certificate?

    .EXAMPLE
        PS C:\> Test-ExTlsSmtpTls -ComputerName (Get-ExchangeServer).Fqdn | Where-Object LegacyAccepted |
        >>     ForEach-Object { "$($_.Server) still accepts $($_.AcceptedVersions -join ', ')" }

        After phase 2: which servers still accept TLS 1.0 or 1.1 from outside.

    .INPUTS
        System.String, or any object with a Fqdn, DNSHostName, Name or ComputerName property.

    .OUTPUTS
        ExTls.SmtpTlsResult

    .LINK
        Invoke-ExTlsInventory
    #>
    [CmdletBinding()]
    [OutputType('ExTls.SmtpTlsResult')]
    param(
        [Parameter(Mandatory, Position = 0, ValueFromPipeline, ValueFromPipelineByPropertyName)]
        [Alias('Endpoint', 'Fqdn', 'DNSHostName', 'Name', 'CN')]
        [ValidateNotNullOrEmpty()]
        [string[]] $ComputerName,

        [ValidateRange(1, 65535)]
        [int] $Port = 25,

        [ValidateRange(1, 3600)]
        [int] $TimeoutSeconds,

        [ValidateRange(1, 1024)]
        [int] $ThrottleLimit,

        [ValidatePattern('^[\x21-\x7e]+$')]
        [string] $EhloName,

        [ValidateNotNullOrEmpty()]
        [string[]] $CertificateAuthorityPath,

        [switch] $AsExchangeOnline,

        [ValidatePattern('^[A-Za-z0-9][A-Za-z0-9.-]{0,252}$')]
        [string] $ExpectedName,

        [switch] $EnableException
    )

    begin {
        $endpoints = New-Object System.Collections.Generic.List[string]
        $seen = New-Object 'System.Collections.Generic.HashSet[string]' ([StringComparer]::OrdinalIgnoreCase)
    }

    process {
        foreach ($c in $ComputerName) {
            $value = ([string]$c).Trim()
            if ($value -and $seen.Add($value)) { $endpoints.Add($value) }
        }
    }

    end {
        if ($endpoints.Count -eq 0) { return }
        $pathOf = { param($p) $ExecutionContext.SessionState.Path.GetUnresolvedProviderPathFromPSPath($p) }

        # Server labels as in a fleet: the first label of a DNS name; keyed by the host as extls reports it.
        $labelOf = @{}
        foreach ($e in $endpoints) {
            $hostPart = $e
            if ($e -match '^\[([^\]]+)\](:\d+)?$') { $hostPart = $Matches[1] }
            elseif (@($e.ToCharArray() | Where-Object { $_ -eq ':' }).Count -eq 1) { $hostPart = $e.Split(':')[0] }
            $ip = $null
            if (-not [System.Net.IPAddress]::TryParse($hostPart, [ref]$ip) -and $hostPart.Contains('.')) {
                $labelOf[$hostPart] = $hostPart.Split('.')[0].ToUpperInvariant()
            }
        }

        $arguments = New-Object System.Collections.Generic.List[string]
        foreach ($a in 'probe', '--format', 'ndjson') { $arguments.Add($a) }
        $arguments.Add('--port=' + $Port)
        if ($TimeoutSeconds -gt 0) { $arguments.Add('--timeout=' + $TimeoutSeconds) }
        if ($ThrottleLimit -gt 0) { $arguments.Add('--concurrency=' + $ThrottleLimit) }
        if ($EhloName) { $arguments.Add('--ehlo-name=' + $EhloName) }
        foreach ($ca in $CertificateAuthorityPath) { $arguments.Add('--ca=' + (& $pathOf $ca)) }
        if ($ExpectedName -and -not $AsExchangeOnline) {
            $PSCmdlet.ThrowTerminatingError((New-ExTlsErrorRecord -Message '-ExpectedName needs -AsExchangeOnline' -ErrorId 'ExTls.ExpectedNameWithoutAsExchangeOnline' -Category InvalidArgument -TargetObject $ExpectedName))
        }
        if ($AsExchangeOnline) {
            $arguments.Add('--as=exchange-online')
            if ($ExpectedName) { $arguments.Add('--expect-name=' + $ExpectedName) }
        }
        # Endpoints are positional: after "--" nothing can be taken for an option.
        $arguments.Add('--')
        foreach ($e in $endpoints) { $arguments.Add($e) }

        try {
            $cli = Resolve-ExTlsCli
        } catch {
            $PSCmdlet.ThrowTerminatingError((New-ExTlsErrorRecord -Message $_.Exception.Message -ErrorId 'ExTls.CliNotFound' -Category ObjectNotFound -TargetObject 'extls' -ExceptionType 'System.IO.FileNotFoundException'))
        }
        $result = Invoke-ExTlsCliCommand -Argument $arguments.ToArray() -Cli $cli -WorkingDirectory $PSCmdlet.SessionState.Path.CurrentFileSystemLocation.ProviderPath
        if ($result.ExitCode -ne 0 -and $result.ExitCode -ne 2) {
            $message = Get-ExTlsCliMessage -Command 'probe' -Result $result
            $PSCmdlet.ThrowTerminatingError((New-ExTlsErrorRecord -Message $message -ErrorId 'ExTls.CliFailed' -Category InvalidArgument -TargetObject ($endpoints -join ', ')))
        }

        foreach ($line in @($result.StdOut -split '\r?\n' | Where-Object { $_.Trim() })) {
            $r = $line | ConvertFrom-Json
            $outcome = @{}
            foreach ($v in @(Get-ExTlsProperty $r 'versions' @())) { $outcome[[string]$v.version] = [string]$v.outcome }
            $hostName = [string](Get-ExTlsProperty $r 'host')
            $server = Get-ExTlsProperty $r 'server'
            if (-not $server -and $labelOf.ContainsKey($hostName)) { $server = $labelOf[$hostName] }
            $status = [string](Get-ExTlsProperty $r 'status')
            $displayStatus = $status
            if ($status -eq 'ok') { $displayStatus = 'Ok' } elseif ($status -eq 'failed') { $displayStatus = 'Failed' }
            $category = Get-ExTlsProperty $r 'failure', 'category'
            $message = Get-ExTlsProperty $r 'failure', 'message'
            if (-not $message) { $message = Get-ExTlsProperty $r 'starttls', 'refusal', 'text' }

            $item = [pscustomobject]@{
                PSTypeName              = 'ExTls.SmtpTlsResult'
                Endpoint                = [string](Get-ExTlsProperty $r 'endpoint')
                Server                  = $server
                Status                  = $displayStatus
                StartTls                = [bool](Get-ExTlsProperty $r 'starttls', 'offered' $false)
                Tls10                   = $outcome['TLSv1']
                Tls11                   = $outcome['TLSv1.1']
                Tls12                   = $outcome['TLSv1.2']
                Tls13                   = $outcome['TLSv1.3']
                AcceptedVersions        = @(Get-ExTlsProperty $r 'summary', 'acceptedVersions' @())
                LegacyAccepted          = [bool](Get-ExTlsProperty $r 'summary', 'legacyAccepted' $false)
                Tls12Accepted           = [bool](Get-ExTlsProperty $r 'summary', 'tls12Accepted' $false)
                CertificateSubject      = Get-ExTlsProperty $r 'certificate', 'subject'
                CertificateDaysToExpiry = Get-ExTlsProperty $r 'certificate', 'daysToExpiry'
                Category                = $category
                Message                 = $message
                Address                 = Get-ExTlsProperty $r 'address'
                Result                  = $r
            }
            if ($AsExchangeOnline) {
                $canDeliver = Get-ExTlsProperty $r 'exchangeOnline', 'canDeliver'
                $verdict = 'unknown'
                if ($canDeliver -eq $true) { $verdict = 'yes' } elseif ($canDeliver -eq $false) { $verdict = 'no' }
                $chosen = Get-ExTlsProperty $r 'exchangeOnline', 'tls12', 'cipher', 'standardName'
                if (-not $chosen) { $chosen = Get-ExTlsProperty $r 'exchangeOnline', 'tls13', 'cipher', 'standardName' }
                $item | Add-Member -NotePropertyMembers ([ordered]@{
                    ExchangeOnline        = $verdict
                    ExchangeOnlineSuite   = $chosen
                    ExchangeOnlineReason  = Get-ExTlsProperty $r 'exchangeOnline', 'reason'
                    ServerSuites          = @(Get-ExTlsProperty $r 'exchangeOnline', 'serverSuites', 'suites' @())
                    CertificateThumbprint = Get-ExTlsProperty $r 'certificate', 'thumbprint'
                    CertificateProblems   = @(Get-ExTlsProperty $r 'exchangeOnline', 'certificate', 'reasons' @())
                })
            }
            $item
            if ($status -ne 'ok') {
                $er = New-ExTlsErrorRecord -Message ("{0}: {1} at {2}: {3}" -f $item.Endpoint, $category, (Get-ExTlsProperty $r 'failure', 'step'), $message) `
                    -ErrorId "ExTls.EndpointFailed,$category" -Category (Get-ExTlsFailureErrorCategory -Category $category) -TargetObject $item.Endpoint
                if ($EnableException) { $PSCmdlet.ThrowTerminatingError($er) }
                $PSCmdlet.WriteError($er)
            }
        }
    }
}
