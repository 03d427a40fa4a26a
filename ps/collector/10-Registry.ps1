# Registry layer: every section reads through these five functions, so the same code works on the live
# registry (Windows) and on regedit export files (offline mode, any OS).
#   Open-ExTlsRegistry [-Files <string[]>]     no files = live registry
#   Test-ExTlsRegKey -Path 'HKLM\...'
#   Get-ExTlsRegValue -Path 'HKLM\...' -Name <n>  -> @{present=$false} | @{present=$true; type; value}
#   Get-ExTlsRegSubKeyNames -Path 'HKLM\...'     -> leaf names
#   Get-ExTlsRegValueNames -Path 'HKLM\...'
# Values are raw: DWORD unsigned (0xffffffff -> 4294967295), QWORD decimal string, binary/none/other lower-case
# hex, REG_MULTI_SZ string array, REG_EXPAND_SZ unexpanded.

# Hashtables here never use entry names like Keys/Values/Count: on a hashtable those collide with its own
# properties under member access.
$script:ExTlsReg = $null

$script:ExTlsHiveAliases = @{
    'hkey_local_machine' = 'HKLM'; 'hklm' = 'HKLM'
    'hkey_current_user' = 'HKCU'; 'hkcu' = 'HKCU'
    'hkey_users' = 'HKU'; 'hku' = 'HKU'
    'hkey_classes_root' = 'HKCR'; 'hkcr' = 'HKCR'
    'hkey_current_config' = 'HKCC'; 'hkcc' = 'HKCC'
}

# 'HKEY_LOCAL_MACHINE\Foo\' -> 'HKLM\Foo'; throws on an unknown hive.
function ConvertTo-ExTlsRegPath {
    param([string]$Path)
    $p = $Path.Trim().TrimEnd('\')
    if ($p.StartsWith('HKEY_LOCAL_MACHINE\', [StringComparison]::OrdinalIgnoreCase)) { return 'HKLM' + $p.Substring(18) }
    $cut = $p.IndexOf('\')
    if ($cut -lt 0) { $hive = $p; $rest = '' } else { $hive = $p.Substring(0, $cut); $rest = $p.Substring($cut + 1) }
    $short = $script:ExTlsHiveAliases[$hive.ToLowerInvariant()]
    if (-not $short) { throw "unknown registry hive '$hive'" }
    if ($rest -eq '') { return $short }
    return $short + '\' + $rest
}

function ConvertTo-ExTlsHex {
    param([byte[]]$Bytes)
    if ($null -eq $Bytes -or $Bytes.Length -eq 0) { return '' }
    return [BitConverter]::ToString($Bytes).Replace('-', '').ToLowerInvariant()
}

function New-ExTlsRegValue {
    param([string]$Type, $Value)
    if (-not $Type) { return [ordered]@{ present = $false } }
    return [ordered]@{ present = $true; type = $Type; value = $Value }
}

# ---------------------------------------------------------------- .reg parsing

# Bytes of a .reg file -> text. regedit writes UTF-16LE with BOM ("Version 5.00") or ANSI (REGEDIT4);
# hand-made files are often UTF-8 with or without BOM.
function ConvertFrom-ExTlsRegFileBytes {
    param([byte[]]$Bytes)
    $n = $Bytes.Length
    if ($n -ge 2 -and $Bytes[0] -eq 0xFF -and $Bytes[1] -eq 0xFE) { return [Text.Encoding]::Unicode.GetString($Bytes, 2, $n - 2) }
    if ($n -ge 2 -and $Bytes[0] -eq 0xFE -and $Bytes[1] -eq 0xFF) { return [Text.Encoding]::BigEndianUnicode.GetString($Bytes, 2, $n - 2) }
    if ($n -ge 3 -and $Bytes[0] -eq 0xEF -and $Bytes[1] -eq 0xBB -and $Bytes[2] -eq 0xBF) { return [Text.Encoding]::UTF8.GetString($Bytes, 3, $n - 3) }
    # UTF-16LE without BOM: the header's first character is ASCII, so its high byte is zero.
    if ($n -ge 2 -and $Bytes[0] -ne 0 -and $Bytes[1] -eq 0) { return [Text.Encoding]::Unicode.GetString($Bytes) }
    try {
        return (New-Object System.Text.UTF8Encoding($false, $true)).GetString($Bytes)
    } catch {
        return (Get-ExTlsAnsiEncoding).GetString($Bytes)
    }
}

# ANSI = Windows-1252 (Western European regedit); Latin-1 when code pages are not available.
function Get-ExTlsAnsiEncoding {
    try { return [Text.Encoding]::GetEncoding(1252) } catch { return [Text.Encoding]::GetEncoding(28591) }
}

# Reads a "quoted" .reg string starting at $Start (the opening quote). Returns @{Text; End} (End = index of the
# closing quote) or $null when unterminated. Only \\ and \" are escapes in regedit's format.
function Read-ExTlsRegQuoted {
    param([string]$Line, [int]$Start)
    $sb = New-Object System.Text.StringBuilder
    $i = $Start + 1
    $len = $Line.Length
    while ($i -lt $len) {
        $c = $Line[$i]
        if ($c -eq [char]92) {
            if ($i + 1 -ge $len) { return $null }
            $next = $Line[$i + 1]
            if ($next -ne [char]92 -and $next -ne [char]34) { throw "unsupported escape '\$next' in string" }
            [void]$sb.Append($next)
            $i += 2
            continue
        }
        if ($c -eq [char]34) { return @{ Text = $sb.ToString(); End = $i } }
        [void]$sb.Append($c)
        $i++
    }
    return $null
}

# "01,ab, 02" (continuations already joined) -> "01ab02". Regex-checked as a whole; the per-byte walk only runs
# to name the bad byte.
function Get-ExTlsHexDigits {
    param([string]$List)
    $t = $List.Trim()
    if ($t.EndsWith(',')) { $t = $t.Substring(0, $t.Length - 1).TrimEnd() }   # harmless trailing comma
    if ($t -eq '') { return '' }
    if ($t -notmatch '^[0-9a-fA-F]{2}(?:\s*,\s*[0-9a-fA-F]{2})*$') {
        foreach ($p in $t.Split(',')) {
            $p = $p.Trim()
            if ($p -notmatch '^[0-9a-fA-F]{2}$') { throw "invalid hex byte '$p'" }
        }
    }
    return ($t -replace '[\s,]', '').ToLowerInvariant()
}

$script:ExTlsHasFromHexString = $null -ne [Convert].GetMethod('FromHexString', [type[]]@([string]))

function ConvertFrom-ExTlsHexDigits {
    param([string]$Digits)
    if ($Digits -eq '') { return ,([byte[]]@()) }
    if ($script:ExTlsHasFromHexString) { return ,([Convert]::FromHexString($Digits)) }   # .NET 5+; 5.1 walks
    $n = $Digits.Length / 2
    $bytes = New-Object byte[] $n
    for ($k = 0; $k -lt $n; $k++) { $bytes[$k] = [Convert]::ToByte($Digits.Substring(2 * $k, 2), 16) }
    return ,$bytes
}

function ConvertFrom-ExTlsRegStringBytes {
    param([byte[]]$Bytes, [bool]$Ansi)
    if ($Ansi) { $s = (Get-ExTlsAnsiEncoding).GetString($Bytes) }
    else { $s = [Text.Encoding]::Unicode.GetString($Bytes, 0, $Bytes.Length - ($Bytes.Length % 2)) }   # odd last byte dropped, as Windows reads it
    return $s
}

# Data part of a value line (after '=') -> @{Type; Value}, or 'DELETE' for "Name"=-.
function ConvertFrom-ExTlsRegData {
    param([string]$Data, [bool]$Ansi)
    $d = $Data.Trim()
    if ($d -eq '-') { return 'DELETE' }
    if ($d.StartsWith('"')) {
        if ($d -match '^"((?:[^"\\]|\\["\\])*)"$') { return @{ Type = 'REG_SZ'; Value = ($Matches[1] -replace '\\(["\\])', '$1') } }
        # Not well-formed: walk it to say exactly what is wrong.
        $q = Read-ExTlsRegQuoted -Line $d -Start 0
        if ($null -eq $q) { throw 'unterminated string value' }
        throw "unexpected text after string value: '$($d.Substring($q.End + 1).Trim())'"
    }
    if ($d -match '^(?i)dword:(.*)$') {
        $digits = $Matches[1].Trim()
        if ($digits -notmatch '^[0-9a-fA-F]+$') { throw "invalid dword value '$digits'" }
        if ($digits.Length -gt 8) { throw "invalid dword value '$digits' (more than 8 hex digits)" }
        return @{ Type = 'REG_DWORD'; Value = [int64][Convert]::ToUInt32($digits, 16) }
    }
    if ($d -match '^(?i)hex(?:\(([0-9a-fA-F]{1,8})\))?:(.*)$') {
        $kind = 3
        if ($Matches[1]) { $kind = [Convert]::ToInt32($Matches[1], 16) }
        $hex = Get-ExTlsHexDigits -List $Matches[2]
        switch ($kind) {
            0 { return @{ Type = 'REG_NONE'; Value = $hex } }
            1 { return @{ Type = 'REG_SZ'; Value = (ConvertFrom-ExTlsRegStringBytes (ConvertFrom-ExTlsHexDigits $hex) $Ansi).TrimEnd([char]0) } }
            2 { return @{ Type = 'REG_EXPAND_SZ'; Value = (ConvertFrom-ExTlsRegStringBytes (ConvertFrom-ExTlsHexDigits $hex) $Ansi).TrimEnd([char]0) } }
            3 { return @{ Type = 'REG_BINARY'; Value = $hex } }
            4 {
                $bytes = ConvertFrom-ExTlsHexDigits $hex
                if ($bytes.Length -ne 4) { throw "hex(4) dword needs 4 bytes, got $($bytes.Length)" }
                return @{ Type = 'REG_DWORD'; Value = [int64][BitConverter]::ToUInt32($bytes, 0) }
            }
            7 {
                $s = (ConvertFrom-ExTlsRegStringBytes (ConvertFrom-ExTlsHexDigits $hex) $Ansi).TrimEnd([char]0)
                if ($s -eq '') { $list = [string[]]@() } else { $list = [string[]]$s.Split([char]0) }
                return @{ Type = 'REG_MULTI_SZ'; Value = $list }
            }
            11 {
                $bytes = ConvertFrom-ExTlsHexDigits $hex
                if ($bytes.Length -ne 8) { throw "hex(b) qword needs 8 bytes, got $($bytes.Length)" }
                return @{ Type = 'REG_QWORD'; Value = [BitConverter]::ToUInt64($bytes, 0).ToString([Globalization.CultureInfo]::InvariantCulture) }
            }
            default { return @{ Type = 'REG_OTHER'; Value = $hex } }
        }
    }
    $shown = $d
    if ($shown.Length -gt 40) { $shown = $shown.Substring(0, 40) + '...' }
    throw "unknown value type in '$shown'"
}

# Model entry: @{ Path = 'HKLM\...'; ValueTable = lower name -> @{Name; Type; Value}; Children = lower leaf -> leaf }.
function Add-ExTlsRegModelKey {
    param([hashtable]$KeyTable, [string]$Path)
    $existing = $KeyTable[$Path.ToLowerInvariant()]
    if ($null -ne $existing) { return $existing }
    # A key implies its parents (regedit creates them on import).
    $parts = $Path.Split('\')
    $acc = ''
    $parent = $null
    $entry = $null
    foreach ($part in $parts) {
        if ($acc -eq '') { $acc = $part } else { $acc = $acc + '\' + $part }
        $low = $acc.ToLowerInvariant()
        $entry = $KeyTable[$low]
        if ($null -eq $entry) {
            $entry = @{ Path = $acc; ValueTable = [ordered]@{}; Children = @{} }
            $KeyTable[$low] = $entry
            if ($null -ne $parent) { $parent.Children[$part.ToLowerInvariant()] = $part }
        }
        $parent = $entry
    }
    return $entry
}

function Remove-ExTlsRegModelKey {
    param([hashtable]$KeyTable, [string]$Path)
    $low = $Path.ToLowerInvariant()
    $entry = $KeyTable[$low]
    if ($null -eq $entry) { return }
    foreach ($child in @($entry.Children.Values)) { Remove-ExTlsRegModelKey -KeyTable $KeyTable -Path ($entry.Path + '\' + $child) }
    $KeyTable.Remove($low)
    $cut = $Path.LastIndexOf('\')
    if ($cut -gt 0) {
        $parent = $KeyTable[$low.Substring(0, $cut)]
        if ($null -ne $parent) { $parent.Children.Remove($low.Substring($cut + 1)) }
    }
}

# Merges one .reg file into $KeyTable. $Label names the file in errors ("file.reg:14: ...").
# Common lines (plain names, dword, simple strings) take regex fast paths; anything else goes through the
# careful helpers, which also produce the exact error message.
function Import-ExTlsRegFile {
    param([hashtable]$KeyTable, [string]$FullPath, [string]$Label)
    $text = ConvertFrom-ExTlsRegFileBytes -Bytes ([IO.File]::ReadAllBytes($FullPath))
    $lines = $text.Split([char]10)
    $count = $lines.Length
    $i = 0
    $lineNo = 1
    $ansi = $false
    $header = $false
    $current = $null      # model entry of the current [KEY]
    $inDeleted = $false   # inside a [-KEY] section: values there are ignored, as regedit does
    $ic = [StringComparison]::OrdinalIgnoreCase
    try {
        while ($i -lt $count) {
            $lineNo = $i + 1
            $t = $lines[$i].Trim()
            $i++
            if ($t.Length -eq 0) { continue }
            if (-not $header) {
                if ($t -eq 'Windows Registry Editor Version 5.00') { $header = $true; continue }
                if ($t -eq 'REGEDIT4') { $header = $true; $ansi = $true; continue }
                throw "missing header: expected 'Windows Registry Editor Version 5.00' or 'REGEDIT4'"
            }
            $c0 = $t[0]
            if ($c0 -eq [char]';') { continue }
            if ($c0 -eq [char]'[') {
                if (-not $t.EndsWith(']')) { throw "key line without closing ']'" }
                $inner = $t.Substring(1, $t.Length - 2)
                if ($inner.StartsWith('-')) {
                    Remove-ExTlsRegModelKey -KeyTable $KeyTable -Path (ConvertTo-ExTlsRegPath $inner.Substring(1))
                    $current = $null
                    $inDeleted = $true
                } else {
                    if ($inner.Trim() -eq '') { throw 'empty key name' }
                    if ($inner.StartsWith('HKEY_LOCAL_MACHINE\', $ic) -and -not $inner.EndsWith('\')) { $path = 'HKLM' + $inner.Substring(18) }
                    else { $path = ConvertTo-ExTlsRegPath $inner }
                    $low = $path.ToLowerInvariant()
                    $current = $KeyTable[$low]
                    if ($null -eq $current) {
                        # Exports list parents first, so usually only this key is new: no walk over every level.
                        $cut = $low.LastIndexOf('\')
                        $parent = $null
                        if ($cut -gt 0) { $parent = $KeyTable[$low.Substring(0, $cut)] }
                        if ($null -ne $parent) {
                            $current = @{ Path = $path; ValueTable = [ordered]@{}; Children = @{} }
                            $KeyTable[$low] = $current
                            $parent.Children[$low.Substring($cut + 1)] = $path.Substring($cut + 1)
                        } else {
                            $current = Add-ExTlsRegModelKey -KeyTable $KeyTable -Path $path
                        }
                    }
                    $inDeleted = $false
                }
                continue
            }
            if ($c0 -ne [char]'"' -and $c0 -ne [char]'@') {
                $shown = $t
                if ($shown.Length -gt 40) { $shown = $shown.Substring(0, 40) + '...' }
                throw "unrecognised line '$shown'"
            }
            if ($null -eq $current -and -not $inDeleted) { throw 'value line before any [key] line' }
            if ($t -match '^"((?:[^"\\]|\\["\\])*)"\s*=(.*)$') {
                $name = $Matches[1]
                if ($name.IndexOf([char]92) -ge 0) { $name = $name -replace '\\(["\\])', '$1' }
                $data = $Matches[2].Trim()
            } elseif ($c0 -eq [char]'@') {
                $rest = $t.Substring(1).TrimStart()
                if (-not $rest.StartsWith('=')) { throw "expected '=' after the value name" }
                $name = ''
                $data = $rest.Substring(1).Trim()
            } else {
                $q = Read-ExTlsRegQuoted -Line $t -Start 0
                if ($null -eq $q) { throw 'unterminated value name' }
                throw "expected '=' after the value name"
            }
            if ($data.StartsWith('hex', $ic)) {
                # Hex lists wrap with a trailing backslash; continuation lines are indented.
                while ($data.EndsWith('\')) {
                    if ($i -ge $count) { throw 'line continuation at end of file' }
                    $next = $lines[$i].Trim()
                    if ($next -eq '') { throw 'line continuation followed by an empty line or end of file' }
                    $data = $data.Substring(0, $data.Length - 1) + $next
                    $i++
                }
                if ($data -match '^(?i)hex:((?:[0-9a-f]{2}(?:\s*,\s*[0-9a-f]{2})*)?)$') {
                    $parsed = @{ Type = 'REG_BINARY'; Value = ($Matches[1] -replace '[\s,]', '').ToLowerInvariant() }
                } else {
                    $parsed = ConvertFrom-ExTlsRegData -Data $data -Ansi $ansi
                }
            } elseif ($data.StartsWith('dword:', $ic) -and $data.Length -le 14 -and $data.Length -gt 6 -and $data -match '^(?i)dword:([0-9a-f]{1,8})$') {
                $parsed = @{ Type = 'REG_DWORD'; Value = [int64][Convert]::ToUInt32($Matches[1], 16) }
            } elseif ($data -match '^"((?:[^"\\]|\\["\\])*)"$') {
                $v = $Matches[1]
                if ($v.IndexOf([char]92) -ge 0) { $v = $v -replace '\\(["\\])', '$1' }
                $parsed = @{ Type = 'REG_SZ'; Value = $v }
            } else {
                $parsed = ConvertFrom-ExTlsRegData -Data $data -Ansi $ansi
            }
            if ($inDeleted) { continue }
            $low = $name.ToLowerInvariant()
            if ($parsed -is [string]) {
                if ($current.ValueTable.Contains($low)) { $current.ValueTable.Remove($low) }
            } else {
                $current.ValueTable[$low] = @{ Name = $name; Type = $parsed.Type; Value = $parsed.Value }
            }
        }
    } catch {
        throw "${Label}:${lineNo}: $($_.Exception.Message)"
    }
    if (-not $header) { throw "${Label}:1: empty file or missing header 'Windows Registry Editor Version 5.00'" }
}

# ---------------------------------------------------------------- the interface

function Open-ExTlsRegistry {
    param([string[]]$Files = @())
    if ($Files -and $Files.Count -gt 0) {
        $keys = @{}
        foreach ($f in $Files) {
            $full = $ExecutionContext.SessionState.Path.GetUnresolvedProviderPathFromPSPath($f)
            if ([IO.Directory]::Exists($full)) { throw "registry export is a folder, not a .reg file: $f" }
            if (-not [IO.File]::Exists($full)) { throw "registry export not found: $f" }
            Import-ExTlsRegFile -KeyTable $keys -FullPath $full -Label $f
        }
        $script:ExTlsReg = @{ Kind = 'reg-export'; Files = $Files; KeyTable = $keys }
        return
    }
    if ([Environment]::OSVersion.Platform -ne [PlatformID]::Win32NT) {
        throw 'No Windows registry on this system: give registryExports (.reg files)'
    }
    # Registry64 reads the native view even from a 32-bit host; Wow6432Node is then read by its path.
    $base = [Microsoft.Win32.RegistryKey]::OpenBaseKey([Microsoft.Win32.RegistryHive]::LocalMachine, [Microsoft.Win32.RegistryView]::Registry64)
    $script:ExTlsReg = @{ Kind = 'live'; Files = @(); Base = $base }
}

function Get-ExTlsRegModelKey {
    param([string]$Path)
    return $script:ExTlsReg.KeyTable[(ConvertTo-ExTlsRegPath $Path).ToLowerInvariant()]
}

function Open-ExTlsLiveKey {
    param([string]$Path)
    $p = ConvertTo-ExTlsRegPath $Path
    if (-not $p.StartsWith('HKLM\')) { throw "live registry reads are limited to HKLM, not '$Path'" }
    return $script:ExTlsReg.Base.OpenSubKey($p.Substring(5), $false)
}

function Test-ExTlsRegKey {
    param([Parameter(Mandatory)][string]$Path)
    if ($script:ExTlsReg.Kind -eq 'reg-export') { return ($null -ne (Get-ExTlsRegModelKey $Path)) }
    $k = Open-ExTlsLiveKey $Path
    if ($null -eq $k) { return $false }
    $k.Dispose()
    return $true
}

function Get-ExTlsRegValue {
    param([Parameter(Mandatory)][string]$Path, [Parameter(Mandatory)][AllowEmptyString()][string]$Name)
    if ($script:ExTlsReg.Kind -eq 'reg-export') {
        $entry = Get-ExTlsRegModelKey $Path
        if ($null -eq $entry) { return (New-ExTlsRegValue) }
        $low = $Name.ToLowerInvariant()
        if (-not $entry.ValueTable.Contains($low)) { return (New-ExTlsRegValue) }
        $v = $entry.ValueTable[$low]
        return (New-ExTlsRegValue -Type $v.Type -Value $v.Value)
    }
    $k = Open-ExTlsLiveKey $Path
    if ($null -eq $k) { return (New-ExTlsRegValue) }
    try {
        if (-not ($k.GetValueNames() -contains $Name)) { return (New-ExTlsRegValue) }
        $kind = $k.GetValueKind($Name)
        $raw = $k.GetValue($Name, $null, [Microsoft.Win32.RegistryValueOptions]::DoNotExpandEnvironmentNames)
        switch ($kind.ToString()) {
            'DWord' { return (New-ExTlsRegValue 'REG_DWORD' ([int64][BitConverter]::ToUInt32([BitConverter]::GetBytes([int32]$raw), 0))) }
            'QWord' { return (New-ExTlsRegValue 'REG_QWORD' ([BitConverter]::ToUInt64([BitConverter]::GetBytes([int64]$raw), 0).ToString([Globalization.CultureInfo]::InvariantCulture))) }
            'String' { return (New-ExTlsRegValue 'REG_SZ' ([string]$raw)) }
            'ExpandString' { return (New-ExTlsRegValue 'REG_EXPAND_SZ' ([string]$raw)) }
            'MultiString' { return (New-ExTlsRegValue 'REG_MULTI_SZ' ([string[]]@($raw))) }
            'Binary' { return (New-ExTlsRegValue 'REG_BINARY' (ConvertTo-ExTlsHex ([byte[]]$raw))) }
            'None' { return (New-ExTlsRegValue 'REG_NONE' (ConvertTo-ExTlsHex ([byte[]]$raw))) }
            default {
                if ($raw -is [byte[]]) { return (New-ExTlsRegValue 'REG_OTHER' (ConvertTo-ExTlsHex $raw)) }
                return (New-ExTlsRegValue 'REG_OTHER' ([string]$raw))
            }
        }
    } finally {
        $k.Dispose()
    }
}

function Get-ExTlsRegSubKeyNames {
    param([Parameter(Mandatory)][string]$Path)
    if ($script:ExTlsReg.Kind -eq 'reg-export') {
        $entry = Get-ExTlsRegModelKey $Path
        if ($null -eq $entry) { return ,([string[]]@()) }
        $names = New-Object System.Collections.Generic.List[string]
        foreach ($n in $entry.Children.Values) { $names.Add($n) }
        $names.Sort([StringComparer]::OrdinalIgnoreCase)
        return ,([string[]]$names.ToArray())
    }
    $k = Open-ExTlsLiveKey $Path
    if ($null -eq $k) { return ,([string[]]@()) }
    try { return ,([string[]]$k.GetSubKeyNames()) } finally { $k.Dispose() }
}

function Get-ExTlsRegValueNames {
    param([Parameter(Mandatory)][string]$Path)
    if ($script:ExTlsReg.Kind -eq 'reg-export') {
        $entry = Get-ExTlsRegModelKey $Path
        if ($null -eq $entry) { return ,([string[]]@()) }
        $names = foreach ($v in $entry.ValueTable.Values) { $v.Name }
        return ,([string[]]@($names))
    }
    $k = Open-ExTlsLiveKey $Path
    if ($null -eq $k) { return ,([string[]]@()) }
    try { return ,([string[]]$k.GetValueNames()) } finally { $k.Dispose() }
}
