function ConvertTo-ExTlsArgumentString {
    <#
    .SYNOPSIS
        Joins arguments into one ProcessStartInfo.Arguments string that CommandLineToArgvW (and node) split back
        into exactly the same arguments. Used on Windows PowerShell 5.1, whose .NET has no ArgumentList.
    .EXAMPLE
        ConvertTo-ExTlsArgumentString -Argument 'C:\Program Files\extls\bin\extls.js', 'inventory', '--fleet', '-'
    #>
    [CmdletBinding()]
    [OutputType([string])]
    param([Parameter(Mandatory)] [AllowEmptyCollection()] [AllowEmptyString()] [string[]] $Argument)

    $parts = foreach ($arg in $Argument) {
        if ($arg.Length -gt 0 -and $arg -notmatch '[\s"]') {
            $arg
            continue
        }
        $sb = New-Object System.Text.StringBuilder
        [void]$sb.Append('"')
        $backslashes = 0
        foreach ($ch in $arg.ToCharArray()) {
            if ($ch -eq '\') {
                $backslashes++
                continue
            }
            if ($ch -eq '"') {
                # n backslashes before a quote: 2n+1 of them, then the quote
                [void]$sb.Append('\', 2 * $backslashes + 1)
            } elseif ($backslashes -gt 0) {
                [void]$sb.Append('\', $backslashes)
            }
            $backslashes = 0
            [void]$sb.Append($ch)
        }
        # backslashes before the closing quote are doubled
        if ($backslashes -gt 0) { [void]$sb.Append('\', 2 * $backslashes) }
        [void]$sb.Append('"')
        $sb.ToString()
    }
    return (@($parts) -join ' ')
}
