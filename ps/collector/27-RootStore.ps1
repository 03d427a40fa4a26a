# Trusted roots Exchange Online's mail flow needs, looked up where Windows keeps the machine's root certificates: one
# registry key per certificate, named for its SHA-1 thumbprint, under ...\<store>\Certificates (wincrypt.h system
# store locations: local machine, its group policy and enterprise stores; Root and AuthRoot, the third-party roots
# the automatic root update installs). Keys, not the certificate API, so .reg exports are read the same way.
# The policy "Turn off Automatic Root Certificates Update" is DisableRootAutoUpdate (REG_DWORD) under
# HKLM\SOFTWARE\Policies\Microsoft\SystemCertificates\AuthRoot (Microsoft Learn "Configure trusted roots and
# disallowed certificates"; CSS-Exchange HealthChecker's TrustedRootCertificatesCheck reads the same value).
$script:ExTlsRootPolicyPath = 'HKLM\SOFTWARE\Policies\Microsoft\SystemCertificates\AuthRoot'
$script:ExTlsRootStores = @(
    'HKLM\SOFTWARE\Microsoft\SystemCertificates\ROOT\Certificates',
    'HKLM\SOFTWARE\Microsoft\SystemCertificates\AuthRoot\Certificates',
    'HKLM\SOFTWARE\Policies\Microsoft\SystemCertificates\Root\Certificates',
    'HKLM\SOFTWARE\Microsoft\EnterpriseCertificates\Root\Certificates'
)
# Exchange Team blog "Trust DigiCert Global Root G2 Certificate Authority to Avoid Exchange Online Email Disruption"
# (2026-01-28, updated 2026-03-16; message center MC1224565).
$script:ExTlsRootsOfInterest = @(
    @{ thumbprint = 'DF3C24F9BFD666761B268073FE06D1CC8D4F82A4'; name = 'DigiCert Global Root G2' }
)

# The roots to look for: the built-in list plus option rootThumbprints (40 hex digits each, separators allowed).
function Get-ExTlsRootsToCheck {
    param($Options)
    $list = New-Object System.Collections.Generic.List[object]
    foreach ($r in $script:ExTlsRootsOfInterest) { $list.Add($r) }
    $extra = Get-ExTlsOption $Options 'rootThumbprints' @()
    foreach ($t in @($extra)) {
        if ($t -isnot [string]) { throw 'option rootThumbprints must be an array of SHA-1 thumbprints (strings of 40 hex digits)' }
        $clean = ($t -replace '[\s:]', '').ToUpperInvariant()
        if ($clean -notmatch '^[0-9A-F]{40}$') { throw "option rootThumbprints: '$t' is not a SHA-1 thumbprint (40 hex digits)" }
        $seen = $false
        foreach ($r in $list) { if ($r.thumbprint -eq $clean) { $seen = $true } }
        if (-not $seen) { $list.Add(@{ thumbprint = $clean; name = "root $clean" }) }
    }
    return , $list.ToArray()
}

function Get-ExTlsRootStore {
    param($Options)
    $roots = New-Object System.Collections.Generic.List[object]
    foreach ($r in (Get-ExTlsRootsToCheck $Options)) {
        $found = New-Object System.Collections.Generic.List[string]
        foreach ($store in $script:ExTlsRootStores) {
            if (Test-ExTlsRegKey -Path ($store + '\' + $r.thumbprint)) { $found.Add($store) }
        }
        $roots.Add([ordered]@{ thumbprint = $r.thumbprint; name = $r.name; foundIn = [string[]]$found.ToArray() })
    }
    return [ordered]@{
        policyPath            = $script:ExTlsRootPolicyPath
        disableRootAutoUpdate = Get-ExTlsRegValue -Path $script:ExTlsRootPolicyPath -Name 'DisableRootAutoUpdate'
        stores                = [string[]]$script:ExTlsRootStores
        roots                 = $roots.ToArray()
    }
}
