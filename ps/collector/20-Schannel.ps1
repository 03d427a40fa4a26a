$script:ExTlsSchannelPath = 'HKLM\SYSTEM\CurrentControlSet\Control\SecurityProviders\SCHANNEL'
# Always reported for both sides, present or not: a missing key means the OS default, which findings judge.
$script:ExTlsStandardProtocols = @('SSL 2.0', 'SSL 3.0', 'TLS 1.0', 'TLS 1.1', 'TLS 1.2', 'TLS 1.3')

function Get-ExTlsSchannel {
    $root = $script:ExTlsSchannelPath + '\Protocols'
    $names = New-Object System.Collections.Generic.List[string]
    foreach ($n in $script:ExTlsStandardProtocols) { $names.Add($n) }
    # Any other protocol key present (PCT 1.0, Multi-Protocol Unified Hello, DTLS 1.2, ...).
    foreach ($n in (Get-ExTlsRegSubKeyNames -Path $root)) {
        if ($script:ExTlsStandardProtocols -notcontains $n) { $names.Add($n) }
    }
    $protocols = New-Object System.Collections.Generic.List[object]
    foreach ($n in $names) {
        foreach ($side in @('Client', 'Server')) {
            $path = "$root\$n\$side"
            $protocols.Add([ordered]@{
                    protocol          = $n
                    side              = $side
                    path              = $path
                    keyExists         = [bool](Test-ExTlsRegKey -Path $path)
                    enabled           = Get-ExTlsRegValue -Path $path -Name 'Enabled'
                    disabledByDefault = Get-ExTlsRegValue -Path $path -Name 'DisabledByDefault'
                })
        }
    }
    return [ordered]@{
        path                       = $script:ExTlsSchannelPath
        protocols                  = $protocols.ToArray()
        allowInsecureRenegoClients = Get-ExTlsRegValue -Path $script:ExTlsSchannelPath -Name 'AllowInsecureRenegoClients'
        allowInsecureRenegoServers = Get-ExTlsRegValue -Path $script:ExTlsSchannelPath -Name 'AllowInsecureRenegoServers'
    }
}
