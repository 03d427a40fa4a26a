function Get-ExTlsCliMessage {
    <#
    .SYNOPSIS
        The message of a failed CLI run for an error record: its stderr without the "extls: " (or
        "extls <command>: ") prefix and
        blank lines, or a generic message with the exit code when stderr is empty.
    .EXAMPLE
        Get-ExTlsCliMessage -Command 'inventory' -Result $result
    #>
    [CmdletBinding()]
    [OutputType([string])]
    param([Parameter(Mandatory)] [string] $Command, [Parameter(Mandatory)] $Result)
    $lines = @(([string]$Result.StdErr) -split '\r?\n' | Where-Object { $_.Trim() } | ForEach-Object { $_ -replace ('^extls(?: ' + [regex]::Escape($Command) + ')?: '), '' })
    if ($lines.Count -eq 0) { return "extls $Command failed with exit code $($Result.ExitCode) and no message" }
    return "extls ${Command}: " + ($lines -join [Environment]::NewLine)
}
