function ConvertTo-ExTlsSmtpTlsResult {
    <#
    .SYNOPSIS
        One `extls probe` result (schemas/probe-result.schema.json) as an ExTls.SmtpTlsResult.
    .DESCRIPTION
        An endpoint that could not be probed has $null StartTls and TLS columns: nothing is known about them
        (not 'not-tested', not $false). Flat properties only; the whole result is in Raw.Result. With
        -AsExchangeOnline (the result of extls probe --as exchange-online) also ExchangeOnline, ExchangeOnlineSuite,
        ExchangeOnlineReason, ServerSuites and CertificateProblems (lists joined: ', ' and '; ').
    .EXAMPLE
        ConvertTo-ExTlsSmtpTlsResult -Result ($line | ConvertFrom-Json) -LabelOf @{ 'ex01.contoso.com' = 'EX01' }
    #>
    [CmdletBinding()]
    param([Parameter(Mandatory)] $Result, [hashtable] $LabelOf = @{}, [switch] $AsExchangeOnline)
    $r = $Result
    $status = [string](Get-ExTlsProperty $r 'status')
    $reached = $status -eq 'ok'
    $outcome = @{}
    if ($reached) {
        foreach ($v in @(Get-ExTlsProperty $r 'versions' @())) { $outcome[[string]$v.version] = [string]$v.outcome }
    }
    $hostName = [string](Get-ExTlsProperty $r 'host')
    $server = Get-ExTlsProperty $r 'server'
    if (-not $server -and $LabelOf.ContainsKey($hostName)) { $server = $LabelOf[$hostName] }
    $displayStatus = $status
    if ($status -eq 'ok') { $displayStatus = 'Ok' } elseif ($status -eq 'failed') { $displayStatus = 'Failed' }
    $message = Get-ExTlsProperty $r 'failure', 'message'
    if (-not $message) { $message = Get-ExTlsProperty $r 'starttls', 'refusal', 'text' }
    $startTls = $null
    $legacy = $null
    $tls12 = $null
    if ($reached) {
        $startTls = [bool](Get-ExTlsProperty $r 'starttls', 'offered' $false)
        $legacy = [bool](Get-ExTlsProperty $r 'summary', 'legacyAccepted' $false)
        $tls12 = [bool](Get-ExTlsProperty $r 'summary', 'tls12Accepted' $false)
    }
    $accepted = @(Get-ExTlsProperty $r 'summary', 'acceptedVersions' @())
    $chain = $null
    if ($null -ne (Get-ExTlsProperty $r 'certificate')) {
        $chain = 'valid'
        if (-not (Get-ExTlsProperty $r 'certificate', 'chainValid' $false)) { $chain = Get-ExTlsProperty $r 'certificate', 'chainError' }
    }
    $plaintext = Get-ExTlsProperty $r 'plaintextMail', 'outcome'
    if ($plaintext -eq 'not-tested') { $plaintext = $null }
    $item = [pscustomobject]@{
        PSTypeName              = 'ExTls.SmtpTlsResult'
        Endpoint                = [string](Get-ExTlsProperty $r 'endpoint')
        Server                  = $server
        Status                  = $displayStatus
        StartTls                = $startTls
        Tls10                   = $outcome['TLSv1']
        Tls11                   = $outcome['TLSv1.1']
        Tls12                   = $outcome['TLSv1.2']
        Tls13                   = $outcome['TLSv1.3']
        AcceptedVersions        = $accepted -join ', '
        LegacyAccepted          = $legacy
        Tls12Accepted           = $tls12
        PlaintextMail           = $plaintext
        CertificateSubject      = Get-ExTlsProperty $r 'certificate', 'subject'
        CertificateCN           = Get-ExTlsProperty $r 'certificate', 'subjectCN'
        CertificateChain        = $chain
        CertificateNotAfter     = ConvertTo-ExTlsDateTime (Get-ExTlsProperty $r 'certificate', 'validTo')
        CertificateDaysToExpiry = Get-ExTlsProperty $r 'certificate', 'daysToExpiry'
        CertificateThumbprint   = Get-ExTlsProperty $r 'certificate', 'thumbprint'
        Category                = Get-ExTlsProperty $r 'failure', 'category'
        Message                 = $message
        Address                 = Get-ExTlsProperty $r 'address'
        ProbedAt                = ConvertTo-ExTlsDateTime (Get-ExTlsProperty $r 'startedAt')
    }
    if ($AsExchangeOnline) {
        $canDeliver = Get-ExTlsProperty $r 'exchangeOnline', 'canDeliver'
        $verdict = 'unknown'
        if ($canDeliver -eq $true) { $verdict = 'yes' } elseif ($canDeliver -eq $false) { $verdict = 'no' }
        # the certificate as Exchange Online's connector judges it, worded as `extls probe` writes its column
        $eoCertificate = $null
        $certificateJudgement = Get-ExTlsProperty $r 'exchangeOnline', 'certificate'
        if ($null -ne $certificateJudgement) {
            if (Get-ExTlsProperty $certificateJudgement 'acceptable' $false) {
                $eoCertificate = if ($null -eq (Get-ExTlsProperty $certificateJudgement 'name', 'ok')) { 'ok (name not checked)' } else { 'ok' }
            } else {
                $eoCertificate = @(Get-ExTlsProperty $certificateJudgement 'reasons' @()) -join '; '
            }
        }
        # why not: the probe's reason; for 'unknown' without one, why the endpoint could not be probed
        $eoReason = Get-ExTlsProperty $r 'exchangeOnline', 'reason'
        if (-not $eoReason -and $verdict -eq 'unknown') { $eoReason = $message }
        $chosen = Get-ExTlsProperty $r 'exchangeOnline', 'tls12', 'cipher', 'standardName'
        if (-not $chosen) { $chosen = Get-ExTlsProperty $r 'exchangeOnline', 'tls13', 'cipher', 'standardName' }
        $item | Add-Member -NotePropertyMembers ([ordered]@{
                ExchangeOnline       = $verdict
                ExchangeOnlineSuite  = $chosen
                ExchangeOnlineReason = $eoReason
                ExchangeOnlineCertificate = $eoCertificate
                ServerSuites         = @(Get-ExTlsProperty $r 'exchangeOnline', 'serverSuites', 'suites' @()) -join ', '
                CertificateProblems  = @(Get-ExTlsProperty $r 'exchangeOnline', 'certificate', 'reasons' @()) -join '; '
            })
        # its own default view: ExchangeOnline (yes/no/unknown) and the reason, the answer -AsExchangeOnline asks for
        $item.PSObject.TypeNames.Insert(0, 'ExTls.SmtpTlsResult.ExchangeOnline')
    }
    Add-ExTlsRawMember -InputObject $item -Member @{ Result = $r }
}
