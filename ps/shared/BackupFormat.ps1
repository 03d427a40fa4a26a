# Registry backup file shared by the generated remediate.ps1 (writes) and rollback.ps1 (reads). Items are
# Registry.ps1's (New-ExTlsRegItem; $null = the value did not exist). Windows PowerShell 5.1 compatible.
# JSON: format 'extls-registry-backup', version 1, server, createdAt, target ('live' | 'file'), targetLabel,
# createdKeys (below HKLM, keys that did not exist, deepest first), values: one entry per planned value with
# existed, type and data. String data is base64 (UTF-8) so no JSON reader can reinterpret it (PowerShell 7 turns
# date-like strings into dates).

function ConvertTo-ExTlsB64 {
    param([string]$Text)
    return [Convert]::ToBase64String([Text.Encoding]::UTF8.GetBytes($Text))
}

function ConvertFrom-ExTlsB64 {
    param([string]$Text)
    return [Text.Encoding]::UTF8.GetString([Convert]::FromBase64String($Text))
}

function ConvertTo-ExTlsBackupEntry {
    param([string]$Path, [string]$Name, $Value)
    $e = [ordered]@{ path = $Path; name = $Name; existed = ($null -ne $Value); display = (Format-ExTlsRegValue $Value) }
    if ($null -ne $Value) {
        $e['type'] = $Value.Type
        $e['kind'] = $Value.Kind
        switch ($Value.Type) {
            'REG_DWORD' { $e['data'] = [int64]$Value.Value }
            'REG_SZ' { $e['data'] = ConvertTo-ExTlsB64 ([string]$Value.Value) }
            'REG_EXPAND_SZ' { $e['data'] = ConvertTo-ExTlsB64 ([string]$Value.Value) }
            'REG_MULTI_SZ' { $e['data'] = @(@($Value.Value) | ForEach-Object { ConvertTo-ExTlsB64 ([string]$_) }) }
            default { $e['data'] = [string]$Value.Value }
        }
    }
    return $e
}

# A parsed backup entry -> New-ExTlsRegItem (or $null when the value did not exist)
function ConvertFrom-ExTlsBackupEntry {
    param($Entry)
    if (-not $Entry.existed) { return $null }
    switch ($Entry.type) {
        'REG_DWORD' { return (New-ExTlsRegItem 'REG_DWORD' ([int64]$Entry.data)) }
        'REG_SZ' { return (New-ExTlsRegItem 'REG_SZ' (ConvertFrom-ExTlsB64 $Entry.data)) }
        'REG_EXPAND_SZ' { return (New-ExTlsRegItem 'REG_EXPAND_SZ' (ConvertFrom-ExTlsB64 $Entry.data)) }
        'REG_MULTI_SZ' {
            $list = New-Object System.Collections.Generic.List[string]
            foreach ($s in @($Entry.data)) { if ($null -ne $s) { $list.Add((ConvertFrom-ExTlsB64 $s)) } }
            return (New-ExTlsRegItem 'REG_MULTI_SZ' ([string[]]$list.ToArray()))
        }
        default { return (New-ExTlsRegItem ([string]$Entry.type) ([string]$Entry.data) ([int]$Entry.kind)) }
    }
}

function Write-ExTlsBackup {
    param([string]$Path, $Document)
    Write-ExTlsTextFile -Path $Path -Text (ConvertTo-Json -InputObject $Document -Depth 6) -Encoding (New-Object System.Text.UTF8Encoding($false))
}

function Read-ExTlsBackup {
    param([string]$Path)
    if (-not [IO.File]::Exists($Path)) { throw "backup file not found: $Path" }
    $b = ConvertFrom-ExTlsJson ([IO.File]::ReadAllText($Path))
    if ($null -eq $b -or $b.format -ne 'extls-registry-backup' -or $b.version -ne 1) { throw "not an extls registry backup (version 1): $Path" }
    return $b
}
