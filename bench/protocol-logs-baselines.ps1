# Baselines for bench/protocol-logs.mjs: what admins run today over SMTP protocol logs.
#   -Mode SelectString  Select-String with the same patterns as the grep baseline
#   -Mode ImportCsv     Import-Csv with the #Fields names, '#' lines dropped, then Where-Object
# Prints one line of JSON: {"mode","files","bytes","matches","ms"}. The file list comes in a file (data, not script text).
param(
    [Parameter(Mandatory = $true)][ValidateSet('SelectString', 'ImportCsv')][string]$Mode,
    [Parameter(Mandatory = $true)][string]$FileList
)
$ErrorActionPreference = 'Stop'
$files = @(Get-Content -LiteralPath $FileList | Where-Object { $_ })
$bytes = 0
foreach ($f in $files) { $bytes += (Get-Item -LiteralPath $f).Length }
$patterns = @('SP_PROT[_-]TLS1', 'TLS negotiation failed', '451 5\.7\.3', '421 4\.4\.2', '454 4\.7\.', '530 5\.7\.0', 'STARTTLS', 'MAIL FROM')
$sw = [Diagnostics.Stopwatch]::StartNew()
if ($Mode -eq 'SelectString') {
    $count = (Select-String -LiteralPath $files -Pattern $patterns | Measure-Object).Count
} else {
    $fields = 'date-time', 'connector-id', 'session-id', 'sequence-number', 'local-endpoint', 'remote-endpoint', 'event', 'data', 'context'
    $regex = ($patterns -join '|')
    $count = (Import-Csv -LiteralPath $files -Header $fields |
        Where-Object { $_.'date-time' -notlike '#*' -and ($_.data -match $regex -or $_.context -match $regex) } |
        Measure-Object).Count
}
$sw.Stop()
[ordered]@{ mode = $Mode; files = $files.Count; bytes = $bytes; matches = $count; ms = $sw.ElapsedMilliseconds } | ConvertTo-Json -Compress
