# Options arrive as a JSON string (data, never script text). ConvertFrom-Json gives a PSCustomObject on both
# 5.1 and 7 (no -AsHashtable on 5.1), so every read goes through PSObject.Properties to stay StrictMode-safe.
. (Join-Path $PSScriptRoot '../shared/Json.ps1')   # extls:inline

$script:ExTlsKnownOptions = @('registryExports', 'exchangeInstallPath', 'protocolLogPaths', 'logDays', 'logByteBudget',
    'referenceTime', 'scanLogs', 'computerName', 'exchangeConfigExports', 'readExchangeConfig', 'rootThumbprints')

function Get-ExTlsOption {
    param($Options, [string]$Name, $Default = $null)
    $p = $Options.PSObject.Properties[$Name]
    if ($null -eq $p -or $null -eq $p.Value) { return $Default }
    return $p.Value
}

# Returns @{ Raw = <PSCustomObject>; RegistryExports = string[]; ExchangeInstallPath; ComputerName }.
function ConvertFrom-ExTlsOptions {
    param([string]$Json)
    if ($null -eq $Json -or $Json.Trim() -eq '') { $Json = '{}' }
    try {
        $raw = ConvertFrom-ExTlsJson $Json
    } catch {
        throw "OptionsJson is not valid JSON: $($_.Exception.Message)"
    }
    if ($null -eq $raw -or $raw -is [array] -or -not ($raw.PSObject.BaseObject -is [System.Management.Automation.PSCustomObject])) {
        throw 'OptionsJson must be a JSON object, e.g. {"registryExports":["server.reg"]}'
    }
    foreach ($p in $raw.PSObject.Properties) {
        if ($script:ExTlsKnownOptions -notcontains $p.Name) {
            Add-ExTlsWarning -Section 'options' -Message "unknown option '$($p.Name)' ignored"
        }
    }

    $exports = Get-ExTlsOption $raw 'registryExports' @()
    $list = New-Object System.Collections.Generic.List[string]
    foreach ($e in @($exports)) {
        if ($e -isnot [string] -or $e.Trim() -eq '') { throw 'option registryExports must be an array of .reg file paths (strings)' }
        $list.Add($e)
    }

    $installPath = Get-ExTlsOption $raw 'exchangeInstallPath'
    if ($null -ne $installPath -and ($installPath -isnot [string])) { throw 'option exchangeInstallPath must be a string' }
    if ($installPath -eq '') { $installPath = $null }

    $name = Get-ExTlsOption $raw 'computerName'
    if ($null -ne $name -and ($name -isnot [string])) { throw 'option computerName must be a string' }
    if (-not $name) { $name = $env:COMPUTERNAME }
    if (-not $name) { $name = [Environment]::MachineName }

    return @{
        Raw                 = $raw
        RegistryExports     = [string[]]$list.ToArray()
        ExchangeInstallPath = $installPath
        ComputerName        = $name
    }
}
