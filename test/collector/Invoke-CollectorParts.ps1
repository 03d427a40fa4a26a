# Test harness for the collector's parts (ps/collector/*.ps1) below the main script: loads them, reads a .reg file
# through the registry layer, makes a section throw on the real data (Invoke-ExTlsSection), and prints the
# results as JSON. Used by collector-parts.test.ts; paths arrive as parameters.
param([Parameter(Mandatory)][string]$CollectorDir, [Parameter(Mandatory)][string]$RegFile)
foreach ($part in @('00-Header.ps1', '05-Options.ps1', '10-Registry.ps1', '15-Section.ps1', '20-Schannel.ps1')) {
    . (Join-Path $CollectorDir $part)
}
Open-ExTlsRegistry -Files @($RegFile)

# Fails only while the real registry data is loaded, like a section tripping over unexpected data.
function Get-FailingSchannel {
    if ($script:ExTlsReg.KeyTable.Count -gt 0) { throw 'unexpected data under SCHANNEL' }
    Get-ExTlsSchannel
}
$tls12 = 'HKLM\SYSTEM\CurrentControlSet\Control\SecurityProviders\SCHANNEL\Protocols\TLS 1.2'
$layer = [ordered]@{
    subKeys       = Get-ExTlsRegSubKeyNames -Path $tls12
    valueNames    = Get-ExTlsRegValueNames -Path "$tls12\Server"
    noValueNames  = Get-ExTlsRegValueNames -Path "$tls12\Nowhere"
    keyExists     = Test-ExTlsRegKey -Path 'hkey_local_machine\system\currentcontrolset\control\securityproviders\schannel\protocols\tls 1.2\'
    parentExists  = Test-ExTlsRegKey -Path 'HKLM\SYSTEM\CurrentControlSet'
    missingExists = Test-ExTlsRegKey -Path "$tls12\Nowhere"
}
$section = Invoke-ExTlsSection 'schannel' { Get-FailingSchannel }
$after = Get-ExTlsRegValue -Path 'HKLM\SYSTEM\CurrentControlSet\Control\SecurityProviders\SCHANNEL\Protocols\TLS 1.2\Server' -Name 'Enabled'
ConvertTo-Json -Depth 20 -Compress -InputObject ([ordered]@{
        section  = $section
        warnings = $script:ExTlsWarnings.ToArray()
        kind     = $script:ExTlsReg.Kind
        after    = $after
        layer    = $layer
    })
