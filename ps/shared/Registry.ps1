# Registry layer: the collector's sections and the generated remediate/rollback scripts read and write through these
# functions, so the same code works on the live registry (HKLM, 64-bit view) and on regedit export files
# (RegFile.ps1: offline mode, previews, tests on any OS). Paths are 'HKLM\...' (any hive spelling).
#   Open-ExTlsRegistry [-Files <string[]>]         no files = live registry; one file can be written back
#   Test-ExTlsRegKey -Path
#   Get-ExTlsRegValue -Path -Name                   -> @{present=$false} | @{present=$true; type; value} (collector)
#   Get-ExTlsRegItem -Path -Name                    -> $null | New-ExTlsRegItem (scripts: keeps Kind for writing)
#   Get-ExTlsRegSubKeyNames / Get-ExTlsRegValueNames -Path
#   Set-ExTlsRegValue, Remove-ExTlsRegValue, Remove-ExTlsRegKeyIfEmpty, Get-ExTlsRegMissingKeys, Save-ExTlsRegistry
# Values are raw (see RegFile.ps1): DWORD unsigned (0xffffffff -> 4294967295), QWORD decimal string,
# binary/none/other lower-case hex, REG_MULTI_SZ string array, REG_EXPAND_SZ unexpanded.

# @{ Kind = 'live' | 'reg-export'; Files; Label; and KeyTable + File (the first export's full path) or Base }
$script:ExTlsReg = $null

# $Hint ends the error where there is no Windows registry (what the caller can give instead).
function Open-ExTlsRegistry {
    param([string[]]$Files = @(), [string]$Hint = 'give a registry export (.reg file)')
    if ($Files -and $Files.Count -gt 0) {
        $keys = New-ExTlsRegModel
        $first = $null
        foreach ($f in $Files) {
            $full = $ExecutionContext.SessionState.Path.GetUnresolvedProviderPathFromPSPath($f)
            if ([IO.Directory]::Exists($full)) { throw "registry export is a folder, not a .reg file: $f" }
            if (-not [IO.File]::Exists($full)) { throw "registry export not found: $f" }
            if ($null -eq $first) { $first = $full }
            Import-ExTlsRegFile -KeyTable $keys -FullPath $full -Label $f
        }
        $script:ExTlsReg = @{ Kind = 'reg-export'; Files = $Files; KeyTable = $keys; File = $first; Label = "registry file $first" }
        return
    }
    if ([Environment]::OSVersion.Platform -ne [PlatformID]::Win32NT) {
        throw "No Windows registry on this system: $Hint"
    }
    # Registry64 reads the native view even from a 32-bit host; Wow6432Node is then read by its path.
    $base = [Microsoft.Win32.RegistryKey]::OpenBaseKey([Microsoft.Win32.RegistryHive]::LocalMachine, [Microsoft.Win32.RegistryView]::Registry64)
    $script:ExTlsReg = @{ Kind = 'live'; Files = @(); Base = $base; Label = "live registry of $([Environment]::MachineName)" }
}

# Writes an export back (the first file) after changes; nothing to do on the live registry.
function Save-ExTlsRegistry {
    if ($script:ExTlsReg.Kind -eq 'reg-export') { Export-ExTlsRegFile -KeyTable $script:ExTlsReg.KeyTable -FullPath $script:ExTlsReg.File }
}

function Get-ExTlsRegModelKey {
    param([string]$Path)
    return $script:ExTlsReg.KeyTable[(ConvertTo-ExTlsRegPath $Path).ToLowerInvariant()]
}

# The path below HKLM; live access is limited to HKLM.
function Get-ExTlsLiveSubPath {
    param([string]$Path)
    $p = ConvertTo-ExTlsRegPath $Path
    if ($p -eq 'HKLM') { return '' }
    if (-not $p.StartsWith('HKLM\')) { throw "live registry access is limited to HKLM, not '$Path'" }
    return $p.Substring(5)
}

function Open-ExTlsLiveKey {
    param([string]$Path, [bool]$Writable = $false)
    return $script:ExTlsReg.Base.OpenSubKey((Get-ExTlsLiveSubPath $Path), $Writable)
}

function Test-ExTlsRegKey {
    param([Parameter(Mandatory)][string]$Path)
    if ($script:ExTlsReg.Kind -eq 'reg-export') { return ($null -ne (Get-ExTlsRegModelKey $Path)) }
    $k = Open-ExTlsLiveKey $Path
    if ($null -eq $k) { return $false }
    $k.Dispose()
    return $true
}

# -> $null when the value (or its key) is missing, else New-ExTlsRegItem.
function Get-ExTlsRegItem {
    param([Parameter(Mandatory)][string]$Path, [Parameter(Mandatory)][AllowEmptyString()][string]$Name)
    if ($script:ExTlsReg.Kind -eq 'reg-export') {
        $entry = Get-ExTlsRegModelKey $Path
        if ($null -eq $entry) { return $null }
        $v = $entry.ValueTable[$Name.ToLowerInvariant()]
        if ($null -eq $v) { return $null }
        return (New-ExTlsRegItem $v.Type $v.Value $v.Kind)
    }
    $k = Open-ExTlsLiveKey $Path
    if ($null -eq $k) { return $null }
    try {
        if (-not ($k.GetValueNames() -contains $Name)) { return $null }
        $kind = $k.GetValueKind($Name)
        $raw = $k.GetValue($Name, $null, [Microsoft.Win32.RegistryValueOptions]::DoNotExpandEnvironmentNames)
        switch ($kind.ToString()) {
            'DWord' { return (New-ExTlsRegItem 'REG_DWORD' ([int64][BitConverter]::ToUInt32([BitConverter]::GetBytes([int32]$raw), 0))) }
            'QWord' { return (New-ExTlsRegItem 'REG_QWORD' ([BitConverter]::ToUInt64([BitConverter]::GetBytes([int64]$raw), 0).ToString([Globalization.CultureInfo]::InvariantCulture))) }
            'String' { return (New-ExTlsRegItem 'REG_SZ' ([string]$raw)) }
            'ExpandString' { return (New-ExTlsRegItem 'REG_EXPAND_SZ' ([string]$raw)) }
            'MultiString' { return (New-ExTlsRegItem 'REG_MULTI_SZ' ([string[]]@($raw))) }
            'Binary' { return (New-ExTlsRegItem 'REG_BINARY' (ConvertTo-ExTlsHex ([byte[]]$raw))) }
            'None' { return (New-ExTlsRegItem 'REG_NONE' (ConvertTo-ExTlsHex ([byte[]]$raw))) }
            default {
                if ($raw -is [byte[]]) { return (New-ExTlsRegItem 'REG_OTHER' (ConvertTo-ExTlsHex $raw)) }
                return (New-ExTlsRegItem 'REG_OTHER' ([string]$raw))
            }
        }
    } finally {
        $k.Dispose()
    }
}

# The collector's shape of a value (schemas/collector-output.schema.json#/definitions/regValue).
function Get-ExTlsRegValue {
    param([Parameter(Mandatory)][string]$Path, [Parameter(Mandatory)][AllowEmptyString()][string]$Name)
    $v = Get-ExTlsRegItem -Path $Path -Name $Name
    if ($null -eq $v) { return [ordered]@{ present = $false } }
    return [ordered]@{ present = $true; type = $v.Type; value = $v.Value }
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

# The keys on the way to $Path that do not exist, deepest first ('HKLM\A\B\C', 'HKLM\A\B').
function Get-ExTlsRegMissingKeys {
    param([Parameter(Mandatory)][string]$Path)
    $missing = New-Object System.Collections.Generic.List[string]
    $p = ConvertTo-ExTlsRegPath $Path
    while ($p.IndexOf('\') -gt 0 -and -not (Test-ExTlsRegKey $p)) {
        $missing.Add($p)
        $p = $p.Substring(0, $p.LastIndexOf('\'))
    }
    return ,([string[]]$missing.ToArray())
}

# Creates the key (and its parents) when missing. $Value: New-ExTlsRegItem.
function Set-ExTlsRegValue {
    param([Parameter(Mandatory)][string]$Path, [Parameter(Mandatory)][AllowEmptyString()][string]$Name, [Parameter(Mandatory)]$Value)
    if ($script:ExTlsReg.Kind -eq 'reg-export') {
        $entry = Add-ExTlsRegModelKey -KeyTable $script:ExTlsReg.KeyTable -Path (ConvertTo-ExTlsRegPath $Path) -Explicit $true
        $low = $Name.ToLowerInvariant()
        $item = $entry.ValueTable[$low]
        if ($null -eq $item) { $entry.ValueTable[$low] = @{ Name = $Name; Type = $Value.Type; Value = $Value.Value; Kind = $Value.Kind } }
        else { $item.Type = $Value.Type; $item.Value = $Value.Value; $item.Kind = $Value.Kind }
        return
    }
    $k = $script:ExTlsReg.Base.CreateSubKey((Get-ExTlsLiveSubPath $Path))
    try {
        switch ($Value.Type) {
            'REG_DWORD' { $k.SetValue($Name, [BitConverter]::ToInt32([BitConverter]::GetBytes([uint32][int64]$Value.Value), 0), [Microsoft.Win32.RegistryValueKind]::DWord) }
            'REG_QWORD' { $k.SetValue($Name, [BitConverter]::ToInt64([BitConverter]::GetBytes([uint64]::Parse([string]$Value.Value, [Globalization.CultureInfo]::InvariantCulture)), 0), [Microsoft.Win32.RegistryValueKind]::QWord) }
            'REG_SZ' { $k.SetValue($Name, [string]$Value.Value, [Microsoft.Win32.RegistryValueKind]::String) }
            'REG_EXPAND_SZ' { $k.SetValue($Name, [string]$Value.Value, [Microsoft.Win32.RegistryValueKind]::ExpandString) }
            'REG_MULTI_SZ' { $k.SetValue($Name, [string[]]@($Value.Value), [Microsoft.Win32.RegistryValueKind]::MultiString) }
            'REG_NONE' { $k.SetValue($Name, (ConvertFrom-ExTlsHexDigits $Value.Value), [Microsoft.Win32.RegistryValueKind]::None) }
            default { $k.SetValue($Name, (ConvertFrom-ExTlsHexDigits $Value.Value), [Microsoft.Win32.RegistryValueKind]::Binary) }
        }
    } finally {
        $k.Dispose()
    }
}

function Remove-ExTlsRegValue {
    param([Parameter(Mandatory)][string]$Path, [Parameter(Mandatory)][AllowEmptyString()][string]$Name)
    if ($script:ExTlsReg.Kind -eq 'reg-export') {
        $entry = Get-ExTlsRegModelKey $Path
        if ($null -ne $entry) { $entry.ValueTable.Remove($Name.ToLowerInvariant()) }
        return
    }
    $k = Open-ExTlsLiveKey $Path $true
    if ($null -eq $k) { return }
    try { $k.DeleteValue($Name, $false) } finally { $k.Dispose() }
}

# Deletes the key when it holds no values and no subkeys; $true when it is gone afterwards.
function Remove-ExTlsRegKeyIfEmpty {
    param([Parameter(Mandatory)][string]$Path)
    if ($script:ExTlsReg.Kind -eq 'reg-export') {
        $entry = Get-ExTlsRegModelKey $Path
        if ($null -eq $entry) { return $true }
        if ($entry.ValueTable.Count -gt 0 -or $entry.Children.Count -gt 0) { return $false }
        Remove-ExTlsRegModelKey -KeyTable $script:ExTlsReg.KeyTable -Path $entry.Path
        return $true
    }
    $sub = Get-ExTlsLiveSubPath $Path
    $key = $script:ExTlsReg.Base.OpenSubKey($sub, $false)
    if ($null -eq $key) { return $true }
    try { if ($key.ValueCount -gt 0 -or $key.SubKeyCount -gt 0) { return $false } } finally { $key.Dispose() }
    $script:ExTlsReg.Base.DeleteSubKey($sub, $false)
    return $true
}

# Same type and same data (strings compared exactly). $null is a missing value.
function Test-ExTlsRegSameValue {
    param($A, $B)
    if ($null -eq $A -or $null -eq $B) { return ($null -eq $A -and $null -eq $B) }
    if ($A.Type -ne $B.Type) { return $false }
    if ($A.Type -eq 'REG_DWORD') { return ([int64]$A.Value -eq [int64]$B.Value) }
    if ($A.Type -eq 'REG_MULTI_SZ') { return ((@($A.Value) -join [char]0) -ceq (@($B.Value) -join [char]0) -and @($A.Value).Count -eq @($B.Value).Count) }
    return ([string]$A.Value -ceq [string]$B.Value)
}

# "missing", "1", "0xffffffff (4294967295)", "REG_SZ '1'"
function Format-ExTlsRegValue {
    param($V)
    if ($null -eq $V) { return 'missing' }
    if ($V.Type -eq 'REG_DWORD') {
        $n = [int64]$V.Value
        if ($n -eq 0 -or $n -eq 1) { return [string]$n }
        return ('0x{0:x8} ({1})' -f $n, $n)
    }
    if ($V.Type -eq 'REG_MULTI_SZ') { return "REG_MULTI_SZ [" + ((@($V.Value) | ForEach-Object { "'" + $_ + "'" }) -join ', ') + "]" }
    return "$($V.Type) '$($V.Value)'"
}
