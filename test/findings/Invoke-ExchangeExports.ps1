# Test harness: the collector's Exchange section (ps/collector/44-*, 45-ExchangeConfig.ps1) over several
# exchangeConfigExports option sets in one PowerShell, so a replay of many captures starts PowerShell once.
# Reads a JSON array of collector options on stdin; prints a JSON array of {section, warnings}.
param([Parameter(Mandatory)][string]$CollectorDir)
$all = [Console]::In.ReadToEnd()
foreach ($part in @('00-Header.ps1', '05-Options.ps1', '15-Section.ps1', '44-ExchangeCertificateData.ps1', '45-ExchangeConfig.ps1')) {
    . (Join-Path $CollectorDir $part)
}
$script:ExTlsReg = @{ Kind = 'export'; Files = @() }
$results = New-Object System.Collections.Generic.List[object]
foreach ($item in @(ConvertFrom-Json -InputObject $all)) {
    $script:ExTlsWarnings.Clear()
    $parsed = ConvertFrom-ExTlsOptions -Json (ConvertTo-Json -Depth 10 -Compress -InputObject $item)
    $section = Get-ExTlsExchangeConfig -Options $parsed.Raw -ComputerName $parsed.ComputerName
    $results.Add([ordered]@{ section = $section; warnings = $script:ExTlsWarnings.ToArray() })
}
ConvertTo-Json -Depth 20 -Compress -InputObject $results.ToArray()
