function ConvertTo-ExTlsVersion {
    <#
    .SYNOPSIS
        A build number as [version] (15.2.1544.4, 17763.5936), so builds compare and sort as numbers; $null when
        missing or not a dotted number.
    .EXAMPLE
        ConvertTo-ExTlsVersion -Value '15.2.1544.4'
    #>
    [CmdletBinding()]
    param([AllowNull()] $Value)
    if ($null -eq $Value) { return $null }
    $text = ([string]$Value).Trim()
    if ($text -match '^\d+$') { $text = "$text.0" }
    $parsed = $null
    if ([version]::TryParse($text, [ref]$parsed)) { return $parsed }
    return $null
}
