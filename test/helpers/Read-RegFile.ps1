# Reads a .reg file with the product's own reader (ps/shared/RegFile.ps1) and prints it as JSON for the tests:
# [[key as written back (HKEY_LOCAL_MACHINE\...), [[value name, {type, value}], ...]], ...] in file order, only the
# keys a write-back would keep. Paths arrive as parameters.
param([Parameter(Mandatory)][string]$SharedDir, [Parameter(Mandatory)][string]$Path)
$ErrorActionPreference = 'Stop'
. (Join-Path $SharedDir 'RegFile.ps1')
$keys = New-ExTlsRegModel
Import-ExTlsRegFile -KeyTable $keys -FullPath $Path -Label $Path
$out = New-Object System.Collections.Generic.List[object]
foreach ($entry in $keys.Values) {
    if (-not $entry.Explicit -and $entry.ValueTable.Count -eq 0) { continue }
    $cut = $entry.Path.IndexOf('\')
    $long = $script:ExTlsHiveLongNames[$entry.Path.Substring(0, $cut)] + $entry.Path.Substring($cut)
    $values = New-Object System.Collections.Generic.List[object]
    foreach ($item in $entry.ValueTable.Values) { $values.Add(@($item.Name, [ordered]@{ type = $item.Type; value = $item.Value })) }
    $out.Add(@($long, $values.ToArray()))
}
ConvertTo-Json -InputObject $out.ToArray() -Depth 6 -Compress
