function Test-ExTlsSmtpTls {
    <#
    .SYNOPSIS
        Checks SMTP endpoints from outside: is STARTTLS offered, and which of TLS 1.0, 1.1, 1.2 and 1.3 each one accepts.

    .DESCRIPTION
        Runs `extls probe`: per endpoint one SMTP dialogue to read the banner and EHLO, then one STARTTLS handshake
        per TLS version, plus the certificate and whether mail without TLS is refused. Returns one
        ExTls.SmtpTlsResult per endpoint: Endpoint, Server, Status, StartTls, Tls10, Tls11, Tls12, Tls13 (accepted,
        refused, error or not-tested), AcceptedVersions, LegacyAccepted, Tls12Accepted, PlaintextMail,
        CertificateSubject, CertificateCN, CertificateChain, CertificateDaysToExpiry, CertificateNotAfter ([datetime]),
        Category, Message and ProbedAt ([datetime]); the whole result (schemas/probe-result.schema.json) is in
        $_.Raw.Result. Each endpoint is written to the pipeline as soon as it is done. An endpoint
        that could not be reached has $null in StartTls, the TLS columns, LegacyAccepted and Tls12Accepted: nothing is
        known about them. AcceptedVersions is one text ("TLSv1.2, TLSv1.3"), so Export-Csv stays readable.

        -OutFile keeps the results as `extls probe --format json --out` writes them, for New-ExTlsRunbook -ProbePath;
        it is written also when the run stops early, and its folder must exist before anything runs.

        Probing is read-only: no mail is sent (the MAIL FROM test is reset before any recipient).

        An endpoint that cannot be probed (dns, refused, unreachable, timeout, rejected, protocol, closed, error) is a
        non-terminating error with the endpoint as TargetObject and ErrorId 'ExTls.EndpointFailed,<category>', plus
        its result object; -EnableException throws instead.

    .PARAMETER ComputerName
        Host names, IP addresses or host:port endpoints ([IPv6]:port for IPv6). Takes objects with one of the
        properties Fqdn, DNSHostName, ComputerName, ServerName, Server, Name, PSComputerName or Identity from the
        pipeline (the first that holds a name), so Get-ExchangeServer output pipes in; any other object is refused.
        A DNS name is labelled with its first label (EX01) in Server to join the inventory.

    .PARAMETER FleetFile
        Also probe every server of this fleet file (its address, else its name), labelled with the fleet's names.

    .PARAMETER OutFile
        Also write all results as JSON (`extls probe --format json`) to this file, for New-ExTlsRunbook -ProbePath
        and `extls runbooks --probes`. Its folder must exist.

    .PARAMETER Port
        SMTP port for endpoints given without one (default 25).

    .PARAMETER StepTimeoutSeconds
        Time limit for each step (connect, each reply, each TLS handshake), default 10 (`extls probe --step-timeout`).
        The alias -TimeoutSeconds is kept for older scripts; it is a per-step limit, not one for the whole endpoint.

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
        server takes instead), CertificateProblems (the certificate as Exchange Online judges it: name, chain, expiry, key size, hash)
        and ExchangeOnlineCertificate (the same judgement as `extls probe` words its CSV column: ok, or the problems).

    .PARAMETER ExpectedName
        With -AsExchangeOnline: the FQDN Exchange Online's connector expects on the certificate (its smart host or
        TlsDomain). Without it, a host name given as ComputerName is checked.

    .PARAMETER SuiteTimeSeconds
        With -AsExchangeOnline: how long to spend per endpoint finding the cipher suites a server takes instead, when
        it refuses Exchange Online's (default 30; `extls probe --suite-time`).

    .PARAMETER EnableException
        Throw a terminating error for the first endpoint that cannot be probed.

    .EXAMPLE
        PS C:\> Test-ExTlsSmtpTls -ComputerName mail.contoso.com

        Which TLS versions the public MX accepts over STARTTLS on port 25.

    .EXAMPLE
        PS C:\> Get-ExchangeServer | Test-ExTlsSmtpTls -CertificateAuthorityPath .\contoso-root.pem | Where-Object Tls12 -ne 'accepted'

        Every Exchange server's port 25, trusting the internal CA; shows the ones that cannot do TLS 1.2 yet.

    .EXAMPLE
        PS C:\> 'ex01.contoso.com:587', 'edge01.contoso.com', '[2001:db8::25]:25' | Test-ExTlsSmtpTls -StepTimeoutSeconds 5 |
        >>     Select-Object Endpoint, StartTls, AcceptedVersions, CertificateDaysToExpiry

        Client submission on 587, an Edge server and an IPv6 endpoint.

    .EXAMPLE
        PS C:\> Test-ExTlsSmtpTls -ComputerName mail.contoso.com -AsExchangeOnline -ExpectedName mail.contoso.com |
        >>     Select-Object Endpoint, ExchangeOnline, ExchangeOnlineSuite, ServerSuites, CertificateProblems

        Will Exchange Online's TLS 1.2 client get through to the hybrid endpoint, and would its connector accept the certificate?

    .EXAMPLE
        PS C:\> Test-ExTlsSmtpTls -ComputerName (Get-ExchangeServer).Fqdn | Where-Object LegacyAccepted |
        >>     ForEach-Object { "$($_.Server) still accepts $($_.AcceptedVersions)" }

        After phase 2: which servers still accept TLS 1.0 or 1.1 from outside.

    .EXAMPLE
        PS C:\> Test-ExTlsSmtpTls -FleetFile .\fleet.yaml -AsExchangeOnline -OutFile .\probes.json | Where-Object ExchangeOnline -ne 'yes'
        PS C:\> New-ExTlsRunbook -InventoryPath .\inventory.json -ProbePath .\probes.json -OutputPath .\runbooks

        Probes every server of the fleet, keeps the results, and quotes them in each runbook's pre- and post-checks.

    .INPUTS
        System.String, or any object with a Fqdn, DNSHostName, ComputerName, ServerName, Server, Name, PSComputerName
        or Identity property.

    .OUTPUTS
        ExTls.SmtpTlsResult

    .LINK
        Invoke-ExTlsInventory
    #>
    [CmdletBinding(DefaultParameterSetName = 'ComputerName')]
    [OutputType('ExTls.SmtpTlsResult')]
    param(
        [Parameter(Mandatory, Position = 0, ValueFromPipeline, ParameterSetName = 'ComputerName')]
        [Parameter(Position = 0, ValueFromPipeline, ParameterSetName = 'FleetFile')]
        [Alias('Endpoint', 'CN')]
        [ValidateNotNullOrEmpty()]
        [object[]] $ComputerName,

        [Parameter(Mandatory, ParameterSetName = 'FleetFile')]
        [ValidateNotNullOrEmpty()]
        [string] $FleetFile,

        [ValidateRange(1, 65535)]
        [int] $Port = 25,

        [Alias('TimeoutSeconds')]
        [ValidateRange(1, 3600)]
        [int] $StepTimeoutSeconds,

        [ValidateRange(1, 1024)]
        [int] $ThrottleLimit,

        [ValidatePattern('^[\x21-\x7e]+$')]
        [string] $EhloName,

        [ValidateNotNullOrEmpty()]
        [string[]] $CertificateAuthorityPath,

        [ValidateNotNullOrEmpty()]
        [string] $OutFile,

        [switch] $AsExchangeOnline,

        [ValidatePattern('^[A-Za-z0-9][A-Za-z0-9.-]{0,252}$')]
        [string] $ExpectedName,

        [ValidateRange(1, 3600)]
        [int] $SuiteTimeSeconds,

        [switch] $EnableException
    )

    begin {
        if (-not $PSBoundParameters.ContainsKey('ErrorAction')) { $ErrorActionPreference = Get-ExTlsCallerErrorAction -Cmdlet $PSCmdlet -Default $ErrorActionPreference }
        $endpoints = New-Object System.Collections.Generic.List[string]
        $seen = New-Object 'System.Collections.Generic.HashSet[string]' ([StringComparer]::OrdinalIgnoreCase)
        $outPath = $null
        if ($OutFile) { $outPath = Resolve-ExTlsOutFile -Path $OutFile -Cmdlet $PSCmdlet }
    }

    process {
        foreach ($c in $ComputerName) {
            try {
                $value = Resolve-ExTlsComputerName -InputObject $c
            } catch {
                $PSCmdlet.ThrowTerminatingError((New-ExTlsErrorRecord -Message $_.Exception.Message -ErrorId 'ExTls.UnsupportedInput' -Category InvalidArgument -TargetObject $c -ExceptionType 'System.ArgumentException'))
            }
            if ($value -and $seen.Add($value)) { $endpoints.Add($value) }
        }
    }

    end {
        if ($endpoints.Count -eq 0 -and -not $FleetFile) { return }
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
        # Progress comes as JSON events on stderr (--progress json), with the total from the start, also for -FleetFile.
        foreach ($a in 'probe', '--format', 'ndjson', '--progress=json') { $arguments.Add($a) }
        $arguments.Add('--port=' + $Port)
        if ($StepTimeoutSeconds -gt 0) { $arguments.Add('--step-timeout=' + $StepTimeoutSeconds) }
        if ($ThrottleLimit -gt 0) { $arguments.Add('--concurrency=' + $ThrottleLimit) }
        if ($EhloName) { $arguments.Add('--ehlo-name=' + $EhloName) }
        foreach ($ca in $CertificateAuthorityPath) { $arguments.Add('--ca=' + (& $pathOf $ca)) }
        if ($FleetFile) {
            $fleetPath = & $pathOf $FleetFile
            if (-not (Test-Path -LiteralPath $fleetPath -PathType Leaf)) {
                $PSCmdlet.ThrowTerminatingError((New-ExTlsErrorRecord -Message "Fleet file '$FleetFile' was not found." -ErrorId 'ExTls.FleetFileNotFound' -Category ObjectNotFound -TargetObject $FleetFile -ExceptionType 'System.IO.FileNotFoundException'))
            }
            $arguments.Add('--fleet=' + $fleetPath)
        }
        if ($ExpectedName -and -not $AsExchangeOnline) {
            $PSCmdlet.ThrowTerminatingError((New-ExTlsErrorRecord -Message '-ExpectedName needs -AsExchangeOnline' -ErrorId 'ExTls.ExpectedNameWithoutAsExchangeOnline' -Category InvalidArgument -TargetObject $ExpectedName))
        }
        if ($SuiteTimeSeconds -gt 0 -and -not $AsExchangeOnline) {
            $PSCmdlet.ThrowTerminatingError((New-ExTlsErrorRecord -Message '-SuiteTimeSeconds needs -AsExchangeOnline' -ErrorId 'ExTls.SuiteTimeWithoutAsExchangeOnline' -Category InvalidArgument -TargetObject $SuiteTimeSeconds))
        }
        if ($AsExchangeOnline) {
            $arguments.Add('--as=exchange-online')
            if ($ExpectedName) { $arguments.Add('--expect-name=' + $ExpectedName) }
            if ($SuiteTimeSeconds -gt 0) { $arguments.Add('--suite-time=' + $SuiteTimeSeconds) }
        } else {
            # extls probe --fleet handshakes as Exchange Online by default; without the switch the columns are not asked for
            $arguments.Add('--as=none')
        }
        # Endpoints are positional: after "--" nothing can be taken for an option.
        $arguments.Add('--')
        foreach ($e in $endpoints) { $arguments.Add($e) }

        try {
            $cli = Resolve-ExTlsCli
        } catch {
            $PSCmdlet.ThrowTerminatingError((New-ExTlsErrorRecord -Message $_.Exception.Message -ErrorId 'ExTls.CliNotFound' -Category ObjectNotFound -TargetObject 'extls' -ExceptionType 'System.IO.FileNotFoundException'))
        }
        $psi = New-ExTlsProcessStartInfo -Argument $arguments.ToArray() -WorkingDirectory $PSCmdlet.SessionState.Path.CurrentFileSystemLocation.ProviderPath -Cli $cli
        Write-Verbose ("Running: node {0} {1}" -f $cli.Script, ($arguments -join ' '))
        $activity = 'extls probe'
        # failed endpoints are errors of their own; the CLI's summary warning is verbose
        $progress = New-ExTlsProgressState -Activity $activity

        $lines = New-Object System.Collections.Generic.List[string]
        $run = $null
        $finished = $false
        $result = $null
        try {
            $run = Start-ExTlsCli -StartInfo $psi -InputText '' -Progress $progress
            while ($null -ne ($line = Read-ExTlsCliLine -Run $run)) {
                if (-not $line.Trim()) { continue }
                $r = $line | ConvertFrom-Json
                $lines.Add($line)
                $item = ConvertTo-ExTlsSmtpTlsResult -Result $r -LabelOf $labelOf -AsExchangeOnline:$AsExchangeOnline
                $item
                if ($item.Status -ne 'Ok') {
                    $category = $item.Category
                    $er = New-ExTlsErrorRecord -Message ("{0}: {1} at {2}: {3}" -f $item.Endpoint, $category, (Get-ExTlsProperty $r 'failure', 'step'), $item.Message) `
                        -ErrorId "ExTls.EndpointFailed,$category" -Category (Get-ExTlsFailureErrorCategory -Category $category) -TargetObject $item.Endpoint
                    if ($EnableException) { $PSCmdlet.ThrowTerminatingError($er) }
                    $PSCmdlet.WriteError($er)
                }
            }
            $result = Complete-ExTlsCli -Run $run
            $finished = $true
        } finally {
            if (-not $finished) { Stop-ExTlsCli -Run $run }
            # The results so far are kept, also when the pipeline stops early; no stream writes here.
            if ($outPath -and $lines.Count -gt 0) {
                $text = "[`n" + (($lines.ToArray() | ForEach-Object { $_.Trim() }) -join ",`n") + "`n]`n"
                Write-ExTlsFileAtomic -Path $outPath -Text $text
            }
        }
        Write-Progress -Activity $activity -Completed
        foreach ($l in @(([string]$result.StdErr) -split '\r?\n' | Where-Object { $_.Trim() })) { Write-Verbose "extls: $l" }
        if ($result.ExitCode -ne 0 -and $result.ExitCode -ne 2) {
            $message = Get-ExTlsCliMessage -Command 'probe' -Result $result
            $PSCmdlet.ThrowTerminatingError((New-ExTlsErrorRecord -Message $message -ErrorId 'ExTls.CliFailed' -Category InvalidArgument -TargetObject ($endpoints -join ', ')))
        }
    }
}
