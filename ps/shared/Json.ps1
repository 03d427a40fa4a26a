# JSON reading shared by the collector and the generated scripts. Windows PowerShell 5.1 compatible.

# ConvertFrom-Json that leaves strings as strings: PowerShell 7 turns date-like strings into DateTime unless told
# otherwise (-DateKind String, PowerShell 7.5 and later; older versions have no such switch).
function ConvertFrom-ExTlsJson {
    param([string]$Text)
    $opts = @{}
    if ((Get-Command ConvertFrom-Json).Parameters.ContainsKey('DateKind')) { $opts['DateKind'] = 'String' }
    return (ConvertFrom-Json -InputObject $Text @opts)
}
