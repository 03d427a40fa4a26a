function ConvertTo-ExTlsDateTime {
    <#
    .SYNOPSIS
        An ISO 8601 time from extls JSON as a local [datetime], the same on Windows PowerShell 5.1 (where
        ConvertFrom-Json leaves a string) and PowerShell 7 (where it already made a DateTime); $null stays $null.
    .DESCRIPTION
        Local time, because that is what Get-Date gives: comparisons like `$_.CollectedAt -lt (Get-Date).AddDays(-7)`
        are then right (DateTime comparisons ignore the Kind).
    .EXAMPLE
        ConvertTo-ExTlsDateTime -Value '2026-01-15T10:00:00.000Z'
    #>
    [CmdletBinding()]
    param([AllowNull()] $Value)
    if ($null -eq $Value) { return $null }
    if ($Value -is [datetime]) {
        if ($Value.Kind -eq [System.DateTimeKind]::Unspecified) { return [datetime]::SpecifyKind($Value, [System.DateTimeKind]::Utc).ToLocalTime() }
        return $Value.ToLocalTime()
    }
    $text = [string]$Value
    if (-not $text) { return $null }
    $parsed = [datetime]::MinValue
    $styles = [System.Globalization.DateTimeStyles]::AssumeUniversal -bor [System.Globalization.DateTimeStyles]::AdjustToUniversal
    if ([datetime]::TryParse($text, [System.Globalization.CultureInfo]::InvariantCulture, $styles, [ref]$parsed)) {
        return [datetime]::SpecifyKind($parsed, [System.DateTimeKind]::Utc).ToLocalTime()
    }
    return $null
}
