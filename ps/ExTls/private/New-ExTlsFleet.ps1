function New-ExTlsFleet {
    <#
    .SYNOPSIS
        Builds a fleet (schemas/fleet.schema.json) as data from computer names and per-server options.
    .DESCRIPTION
        A DNS name becomes name = its first label in upper case and address = the whole name (EX01 / ex01.contoso.com), the way
        fleet files are written; IP addresses and names whose first label would collide keep the whole name.
        Per-server hashtables (RegistryExportPath, ProtocolLogPath) are looked up by that name or by the address; a key
        that names no server is an ArgumentException (a typo would otherwise read this computer's registry or logs).
        Returns an ordered dictionary; the caller serialises it with ConvertTo-Json.
    .EXAMPLE
        New-ExTlsFleet -ComputerName 'ex01.contoso.com', 'EX02' -Transport local -RegistryExportPath @{ EX01 = 'C:\exports\EX01' }
    #>
    [CmdletBinding()]
    param(
        [Parameter(Mandatory)] [string[]] $ComputerName,
        [string] $Transport,
        [hashtable] $RegistryExportPath,
        [hashtable] $ProtocolLogPath,
        [hashtable] $CollectorOption,
        [switch] $UseSSL,
        [int] $Port,
        [string] $Authentication,
        [string] $SshUserName,
        [string] $SshKeyFilePath,
        [bool] $UseCredential = $true,
        [scriptblock] $ResolvePath = { param($p) $p }
    )

    # Unique addresses, in the order they came.
    $seen = New-Object 'System.Collections.Generic.HashSet[string]' ([StringComparer]::OrdinalIgnoreCase)
    $addresses = New-Object System.Collections.Generic.List[string]
    foreach ($c in $ComputerName) {
        $value = ([string]$c).Trim()
        if ($value -and $seen.Add($value)) { $addresses.Add($value) }
    }

    $shortOf = @{}
    $shortCount = @{}
    foreach ($a in $addresses) {
        $ip = $null
        $short = $a
        if (-not [System.Net.IPAddress]::TryParse($a.Trim('[', ']'), [ref]$ip) -and $a.Contains('.')) { $short = $a.Split('.')[0].ToUpperInvariant() }
        $shortOf[$a] = $short
        $key = $short.ToUpperInvariant()
        if ($shortCount.ContainsKey($key)) { $shortCount[$key]++ } else { $shortCount[$key] = 1 }
    }

    $used = @{}
    $servers = New-Object System.Collections.Generic.List[object]
    foreach ($a in $addresses) {
        $name = $shortOf[$a]
        if ($shortCount[$name.ToUpperInvariant()] -gt 1) { $name = $a }
        $used[$name] = $true
        $used[$a] = $true
        $server = [ordered]@{ name = $name }
        if ($name -ne $a) { $server.address = $a }
        if ($Port -gt 0) { $server.port = $Port }
        $collector = [ordered]@{}
        foreach ($pair in @(@('registryExports', $RegistryExportPath), @('protocolLogPaths', $ProtocolLogPath))) {
            $table = $pair[1]
            if (-not $table) { continue }
            $paths = $null
            if ($table.ContainsKey($name)) { $paths = $table[$name] } elseif ($table.ContainsKey($a)) { $paths = $table[$a] }
            if ($null -ne $paths) {
                $collector[$pair[0]] = [string[]]@(foreach ($p in @($paths)) { & $ResolvePath ([string]$p) })
            }
        }
        if ($collector.Count -gt 0) { $server.collector = $collector }
        $servers.Add($server)
    }

    # A key that names none of the servers is a typo, and its server would read this computer instead: refuse.
    foreach ($pair in @(@('RegistryExportPath', $RegistryExportPath), @('ProtocolLogPath', $ProtocolLogPath))) {
        if (-not $pair[1]) { continue }
        $unknown = @($pair[1].Keys | Where-Object { -not $used.ContainsKey([string]$_) } | ForEach-Object { "'$_'" })
        if ($unknown.Count -gt 0) {
            throw (New-Object System.ArgumentException ("-{0} names {1}, which is not one of the servers given ({2})." -f $pair[0], ($unknown -join ', '), (@($servers | ForEach-Object { $_.name }) -join ', ')))
        }
    }
    if ($Transport -eq 'local' -and $RegistryExportPath) {
        $missing = @($servers | Where-Object { -not ($_.Contains('collector') -and $_.collector.Contains('registryExports')) } | ForEach-Object { $_.name })
        if ($missing.Count -gt 0) {
            throw (New-Object System.ArgumentException ("-RegistryExportPath has no entry for {0}; with -Transport local that server would be read from this computer's registry." -f ($missing -join ', ')))
        }
    }

    $defaults = [ordered]@{}
    if ($Transport) { $defaults.transport = $Transport }
    $winrm = [ordered]@{}
    if ($UseSSL) { $winrm.useSsl = $true }
    if ($Authentication) { $winrm.authentication = $Authentication }
    if (-not $UseCredential) { $winrm.useCredential = $false }
    if ($winrm.Count -gt 0) { $defaults.winrm = $winrm }
    $ssh = [ordered]@{}
    if ($SshUserName) { $ssh.userName = $SshUserName }
    if ($SshKeyFilePath) { $ssh.keyFilePath = (& $ResolvePath $SshKeyFilePath) }
    if ($ssh.Count -gt 0) { $defaults.ssh = $ssh }
    if ($CollectorOption -and $CollectorOption.Count -gt 0) {
        $collector = [ordered]@{}
        foreach ($key in $CollectorOption.Keys) { $collector[[string]$key] = $CollectorOption[$key] }
        $defaults.collector = $collector
    }

    $fleet = [ordered]@{}
    if ($defaults.Count -gt 0) { $fleet.defaults = $defaults }
    $fleet.servers = $servers.ToArray()
    return $fleet
}
