# Test harness for Invoke-ExTlsSection (ps/collector/15-Section.ps1): loads the collector's source parts, makes a
# section throw on the real data, and prints what the collector would emit for it as JSON. Used by
# section-fallback.test.ts; paths arrive as parameters.
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
$section = Invoke-ExTlsSection 'schannel' { Get-FailingSchannel }
$after = Get-ExTlsRegValue -Path 'HKLM\SYSTEM\CurrentControlSet\Control\SecurityProviders\SCHANNEL\Protocols\TLS 1.2\Server' -Name 'Enabled'
ConvertTo-Json -Depth 20 -Compress -InputObject ([ordered]@{
        section  = $section
        warnings = $script:ExTlsWarnings.ToArray()
        kind     = $script:ExTlsReg.Kind
        after    = $after
    })
