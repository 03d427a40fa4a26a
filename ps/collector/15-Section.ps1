# A section that fails on unexpected data must not kill the run: record a warning and emit that section's
# "nothing found" shape, produced by running the same section against an empty registry model, so the
# output still matches the schema. (.reg syntax errors never get here: they are fatal when the files are opened.)
function Invoke-ExTlsSection {
    param([string]$Name, [scriptblock]$Body)
    try {
        return (& $Body)
    } catch {
        Add-ExTlsWarning -Section $Name -Message $_.Exception.Message
    }
    $saved = $script:ExTlsReg
    try {
        $script:ExTlsReg = @{ Kind = 'reg-export'; Files = @(); KeyTable = @{} }
        return (& $Body)
    } finally {
        $script:ExTlsReg = $saved
    }
}

# A string value, or $null when missing; a value of another type gives a warning (unexpected data) and $null.
function Get-ExTlsRegString {
    param([string]$Section, [string]$Path, [string]$Name)
    $v = Get-ExTlsRegValue -Path $Path -Name $Name
    if (-not $v.present) { return $null }
    if ($v.type -eq 'REG_SZ' -or $v.type -eq 'REG_EXPAND_SZ') { return [string]$v.value }
    Add-ExTlsWarning -Section $Section -Message "$Path\$Name is $($v.type), expected a string; ignored"
    return $null
}

# A DWORD as an unsigned number, or $null (missing, or another type: warning).
function Get-ExTlsRegDword {
    param([string]$Section, [string]$Path, [string]$Name)
    $v = Get-ExTlsRegValue -Path $Path -Name $Name
    if (-not $v.present) { return $null }
    if ($v.type -eq 'REG_DWORD') { return [int64]$v.value }
    Add-ExTlsWarning -Section $Section -Message "$Path\$Name is $($v.type), expected REG_DWORD; ignored"
    return $null
}
