# regedit export files (.reg): reading one into a key model and writing the model back in regedit's format.
# Shared by the collector (reads exports offline) and the generated remediate/rollback scripts (preview and test a
# run on an export); Registry.ps1 is the interface both use. Windows PowerShell 5.1 compatible.
#
# Model: an ordered dictionary (file order), lower-case 'HKLM\path' -> key entry
#   @{ Path = 'HKLM\...'; Explicit = named by a [KEY] line or written; ValueTable = ordered lower-case name ->
#      @{ Name; Type; Value; Kind }; Children = lower-case leaf -> leaf }
# A key implies its parents (regedit creates them on import); implied parents without values are not written back.
# Values are raw: REG_DWORD unsigned [int64], REG_QWORD decimal string, REG_SZ/REG_EXPAND_SZ string (unexpanded),
# REG_MULTI_SZ string[], REG_BINARY/REG_NONE/REG_OTHER lower-case hex (Kind: the hex(N) type number of REG_OTHER,
# else -1).
# Hashtables here never use entry names like Keys/Values/Count: on a hashtable those collide with its own
# properties under member access.

$script:ExTlsHiveAliases = @{
    'hkey_local_machine' = 'HKLM'; 'hklm' = 'HKLM'
    'hkey_current_user' = 'HKCU'; 'hkcu' = 'HKCU'
    'hkey_users' = 'HKU'; 'hku' = 'HKU'
    'hkey_classes_root' = 'HKCR'; 'hkcr' = 'HKCR'
    'hkey_current_config' = 'HKCC'; 'hkcc' = 'HKCC'
}
$script:ExTlsHiveLongNames = @{
    'HKLM' = 'HKEY_LOCAL_MACHINE'; 'HKCU' = 'HKEY_CURRENT_USER'; 'HKU' = 'HKEY_USERS'; 'HKCR' = 'HKEY_CLASSES_ROOT'
    'HKCC' = 'HKEY_CURRENT_CONFIG'
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

# A value as the model and Registry.ps1's item readers hold it.
function New-ExTlsRegItem {
    param([string]$Type, $Value, [int]$Kind = -1)
    return @{ Type = $Type; Value = $Value; Kind = $Kind }
}

function ConvertTo-ExTlsHex {
    param([byte[]]$Bytes)
    if ($null -eq $Bytes -or $Bytes.Length -eq 0) { return '' }
    return [BitConverter]::ToString($Bytes).Replace('-', '').ToLowerInvariant()
}

$script:ExTlsHasFromHexString = $null -ne [Convert].GetMethod('FromHexString', [type[]]@([string]))

# Lower- or upper-case hex digits, no separators -> bytes.
function ConvertFrom-ExTlsHexDigits {
    param([string]$Digits)
    if ($null -eq $Digits -or $Digits -eq '') { return ,([byte[]]@()) }
    if (($Digits.Length % 2) -ne 0 -or $Digits -notmatch '^[0-9a-fA-F]+$') { throw "invalid hex data '$Digits'" }
    # ps51-check: allow Convert.FromHexString is .NET 5+, called only where it exists ($script:ExTlsHasFromHexString)
    if ($script:ExTlsHasFromHexString) { return ,([Convert]::FromHexString($Digits)) }
    $n = $Digits.Length / 2
    $bytes = New-Object byte[] $n
    for ($k = 0; $k -lt $n; $k++) { $bytes[$k] = [Convert]::ToByte($Digits.Substring(2 * $k, 2), 16) }
    return ,$bytes
}

# ---------------------------------------------------------------- reading

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

function ConvertFrom-ExTlsRegStringBytes {
    param([byte[]]$Bytes, [bool]$Ansi)
    if ($Ansi) { $s = (Get-ExTlsAnsiEncoding).GetString($Bytes) }
    else { $s = [Text.Encoding]::Unicode.GetString($Bytes, 0, $Bytes.Length - ($Bytes.Length % 2)) }   # odd last byte dropped, as Windows reads it
    return $s
}

# Data part of a value line (after '=') -> New-ExTlsRegItem, or 'DELETE' for "Name"=-.
function ConvertFrom-ExTlsRegData {
    param([string]$Data, [bool]$Ansi)
    $d = $Data.Trim()
    if ($d -eq '-') { return 'DELETE' }
    if ($d.StartsWith('"')) {
        if ($d -match '^"((?:[^"\\]|\\["\\])*)"$') { return (New-ExTlsRegItem 'REG_SZ' ($Matches[1] -replace '\\(["\\])', '$1')) }
        # Not well-formed: walk it to say exactly what is wrong.
        $q = Read-ExTlsRegQuoted -Line $d -Start 0
        if ($null -eq $q) { throw 'unterminated string value' }
        throw "unexpected text after string value: '$($d.Substring($q.End + 1).Trim())'"
    }
    if ($d -match '^(?i)dword:(.*)$') {
        $digits = $Matches[1].Trim()
        if ($digits -notmatch '^[0-9a-fA-F]+$') { throw "invalid dword value '$digits'" }
        if ($digits.Length -gt 8) { throw "invalid dword value '$digits' (more than 8 hex digits)" }
        return (New-ExTlsRegItem 'REG_DWORD' ([int64][Convert]::ToUInt32($digits, 16)))
    }
    if ($d -match '^(?i)hex(?:\(([0-9a-fA-F]{1,8})\))?:(.*)$') {
        $kind = 3
        if ($Matches[1]) { $kind = [Convert]::ToInt32($Matches[1], 16) }
        $hex = Get-ExTlsHexDigits -List $Matches[2]
        switch ($kind) {
            0 { return (New-ExTlsRegItem 'REG_NONE' $hex) }
            1 { return (New-ExTlsRegItem 'REG_SZ' (ConvertFrom-ExTlsRegStringBytes (ConvertFrom-ExTlsHexDigits $hex) $Ansi).TrimEnd([char]0)) }
            2 { return (New-ExTlsRegItem 'REG_EXPAND_SZ' (ConvertFrom-ExTlsRegStringBytes (ConvertFrom-ExTlsHexDigits $hex) $Ansi).TrimEnd([char]0)) }
            3 { return (New-ExTlsRegItem 'REG_BINARY' $hex) }
            4 {
                $bytes = ConvertFrom-ExTlsHexDigits $hex
                if ($bytes.Length -ne 4) { throw "hex(4) dword needs 4 bytes, got $($bytes.Length)" }
                return (New-ExTlsRegItem 'REG_DWORD' ([int64][BitConverter]::ToUInt32($bytes, 0)))
            }
            7 {
                $s = (ConvertFrom-ExTlsRegStringBytes (ConvertFrom-ExTlsHexDigits $hex) $Ansi).TrimEnd([char]0)
                if ($s -eq '') { $list = [string[]]@() } else { $list = [string[]]$s.Split([char]0) }
                return (New-ExTlsRegItem 'REG_MULTI_SZ' $list)
            }
            11 {
                $bytes = ConvertFrom-ExTlsHexDigits $hex
                if ($bytes.Length -ne 8) { throw "hex(b) qword needs 8 bytes, got $($bytes.Length)" }
                return (New-ExTlsRegItem 'REG_QWORD' ([BitConverter]::ToUInt64($bytes, 0).ToString([Globalization.CultureInfo]::InvariantCulture)))
            }
            default { return (New-ExTlsRegItem 'REG_OTHER' $hex $kind) }
        }
    }
    $shown = $d
    if ($shown.Length -gt 40) { $shown = $shown.Substring(0, 40) + '...' }
    throw "unknown value type in '$shown'"
}

function New-ExTlsRegModel {
    return (New-Object System.Collections.Specialized.OrderedDictionary)
}

# The entry of $Path, created with its parents when missing; $Explicit marks it as named (written back even empty).
function Add-ExTlsRegModelKey {
    param($KeyTable, [string]$Path, [bool]$Explicit = $false)
    $entry = $KeyTable[$Path.ToLowerInvariant()]
    if ($null -eq $entry) {
        $parts = $Path.Split('\')
        $acc = ''
        $parent = $null
        foreach ($part in $parts) {
            if ($acc -eq '') { $acc = $part } else { $acc = $acc + '\' + $part }
            $low = $acc.ToLowerInvariant()
            $entry = $KeyTable[$low]
            if ($null -eq $entry) {
                $entry = @{ Path = $acc; Explicit = $false; ValueTable = New-Object System.Collections.Specialized.OrderedDictionary; Children = @{} }
                $KeyTable[$low] = $entry
                if ($null -ne $parent) { $parent.Children[$part.ToLowerInvariant()] = $part }
            }
            $parent = $entry
        }
    }
    if ($Explicit) { $entry.Explicit = $true }
    return $entry
}

# Removes the key and everything below it.
function Remove-ExTlsRegModelKey {
    param($KeyTable, [string]$Path)
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

# Merges one .reg file into $KeyTable (New-ExTlsRegModel). $Label names the file in errors ("file.reg:14: ...").
# Common lines (plain names, dword, simple strings) take regex fast paths; anything else goes through the
# careful helpers, which also produce the exact error message.
function Import-ExTlsRegFile {
    param($KeyTable, [string]$FullPath, [string]$Label)
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
                            $current = @{ Path = $path; Explicit = $true; ValueTable = New-Object System.Collections.Specialized.OrderedDictionary; Children = @{} }
                            $KeyTable[$low] = $current
                            $parent.Children[$low.Substring($cut + 1)] = $path.Substring($cut + 1)
                        } else {
                            $current = Add-ExTlsRegModelKey -KeyTable $KeyTable -Path $path -Explicit $true
                        }
                    } else {
                        $current.Explicit = $true
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
                    $parsed = New-ExTlsRegItem 'REG_BINARY' ($Matches[1] -replace '[\s,]', '').ToLowerInvariant()
                } else {
                    $parsed = ConvertFrom-ExTlsRegData -Data $data -Ansi $ansi
                }
            } elseif ($data.StartsWith('dword:', $ic) -and $data.Length -le 14 -and $data.Length -gt 6 -and $data -match '^(?i)dword:([0-9a-f]{1,8})$') {
                $parsed = New-ExTlsRegItem 'REG_DWORD' ([int64][Convert]::ToUInt32($Matches[1], 16))
            } elseif ($data -match '^"((?:[^"\\]|\\["\\])*)"$') {
                $v = $Matches[1]
                if ($v.IndexOf([char]92) -ge 0) { $v = $v -replace '\\(["\\])', '$1' }
                $parsed = New-ExTlsRegItem 'REG_SZ' $v
            } else {
                $parsed = ConvertFrom-ExTlsRegData -Data $data -Ansi $ansi
            }
            if ($inDeleted) { continue }
            $low = $name.ToLowerInvariant()
            if ($parsed -is [string]) {
                if ($current.ValueTable.Contains($low)) { $current.ValueTable.Remove($low) }
            } else {
                $current.ValueTable[$low] = @{ Name = $name; Type = $parsed.Type; Value = $parsed.Value; Kind = $parsed.Kind }
            }
        }
    } catch {
        throw "${Label}:${lineNo}: $($_.Exception.Message)"
    }
    if (-not $header) { throw "${Label}:1: empty file or missing header 'Windows Registry Editor Version 5.00'" }
}

# ---------------------------------------------------------------- writing (regedit's format)

function ConvertTo-ExTlsRegQuoted {
    param([string]$Text)
    if ($Text -match '[\r\n\x00]') { throw "cannot write a name with a line break or NUL to a .reg file: '$Text'" }
    return '"' + $Text.Replace('\', '\\').Replace('"', '\"') + '"'
}

function ConvertTo-ExTlsRegHexList {
    param([byte[]]$Bytes)
    if ($null -eq $Bytes -or $Bytes.Length -eq 0) { return '' }
    return [BitConverter]::ToString($Bytes).Replace('-', ',').ToLowerInvariant()
}

# An item (New-ExTlsRegItem) -> the data part of its value line.
function Format-ExTlsRegData {
    param($V)
    switch ($V.Type) {
        'REG_DWORD' { return 'dword:' + ([uint32][int64]$V.Value).ToString('x8') }
        'REG_SZ' {
            if ([string]$V.Value -notmatch '[\r\n\x00]') { return (ConvertTo-ExTlsRegQuoted ([string]$V.Value)) }
            return 'hex(1):' + (ConvertTo-ExTlsRegHexList ([Text.Encoding]::Unicode.GetBytes([string]$V.Value + [char]0)))
        }
        'REG_EXPAND_SZ' { return 'hex(2):' + (ConvertTo-ExTlsRegHexList ([Text.Encoding]::Unicode.GetBytes([string]$V.Value + [char]0))) }
        'REG_MULTI_SZ' {
            $joined = ''
            foreach ($s in @($V.Value)) { $joined += [string]$s + [char]0 }
            return 'hex(7):' + (ConvertTo-ExTlsRegHexList ([Text.Encoding]::Unicode.GetBytes($joined + [char]0)))
        }
        'REG_QWORD' { return 'hex(b):' + (ConvertTo-ExTlsRegHexList ([BitConverter]::GetBytes([uint64]::Parse([string]$V.Value, [Globalization.CultureInfo]::InvariantCulture)))) }
        'REG_BINARY' { return 'hex:' + (ConvertTo-ExTlsRegHexList (ConvertFrom-ExTlsHexDigits $V.Value)) }
        'REG_NONE' { return 'hex(0):' + (ConvertTo-ExTlsRegHexList (ConvertFrom-ExTlsHexDigits $V.Value)) }
        default {
            $kind = 3
            if ($V.Kind -ge 0) { $kind = $V.Kind }
            return ('hex({0:x}):' -f $kind) + (ConvertTo-ExTlsRegHexList (ConvertFrom-ExTlsHexDigits $V.Value))
        }
    }
}

# The model as a regedit export: UTF-16LE text with BOM, CRLF; keys in model order.
function Format-ExTlsRegFile {
    param($KeyTable)
    $sb = New-Object System.Text.StringBuilder
    [void]$sb.Append("Windows Registry Editor Version 5.00`r`n")
    foreach ($entry in $KeyTable.Values) {
        if (-not $entry.Explicit -and $entry.ValueTable.Count -eq 0) { continue }
        if ($entry.Path -match '[\r\n\x00]') { throw "cannot write a key name with a line break or NUL to a .reg file: '$($entry.Path)'" }
        $cut = $entry.Path.IndexOf('\')
        if ($cut -lt 0) { $long = $script:ExTlsHiveLongNames[$entry.Path] } else { $long = $script:ExTlsHiveLongNames[$entry.Path.Substring(0, $cut)] + $entry.Path.Substring($cut) }
        [void]$sb.Append("`r`n[" + $long + "]`r`n")
        foreach ($item in $entry.ValueTable.Values) {
            if ($item.Name -eq '') { $n = '@' } else { $n = ConvertTo-ExTlsRegQuoted $item.Name }
            [void]$sb.Append($n + '=' + (Format-ExTlsRegData $item) + "`r`n")
        }
    }
    [void]$sb.Append("`r`n")
    return $sb.ToString()
}

# Writes the model to $FullPath (TextFile.ps1: never half a file).
function Export-ExTlsRegFile {
    param($KeyTable, [string]$FullPath)
    Write-ExTlsTextFile -Path $FullPath -Text (Format-ExTlsRegFile -KeyTable $KeyTable) -Encoding (New-Object System.Text.UnicodeEncoding($false, $true))
}
