# SCHANNEL's per-algorithm switches, as IIS Crypto templates write them: ...\SCHANNEL\{Ciphers,Hashes,
# KeyExchangeAlgorithms}\<name> with Enabled (0 = off; Microsoft KB 245030 "Restrict cryptographic algorithms and
# protocols"). Every subkey present is reported raw; a missing one means the algorithm is on. The ECC curve order is
# the Group Policy "ECC Curve Order" (EccCurves, REG_MULTI_SZ, next to the cipher suite order's Functions).
function Get-ExTlsSchannelAlgorithms {
    $entries = New-Object System.Collections.Generic.List[object]
    foreach ($group in @('Ciphers', 'Hashes', 'KeyExchangeAlgorithms')) {
        $root = $script:ExTlsSchannelPath + '\' + $group
        foreach ($n in (Get-ExTlsRegSubKeyNames -Path $root)) {
            $path = $root + '\' + $n
            $entries.Add([ordered]@{ group = $group; name = $n; path = $path; enabled = Get-ExTlsRegValue -Path $path -Name 'Enabled' })
        }
    }
    $curves = 'HKLM\SOFTWARE\Policies\Microsoft\Cryptography\Configuration\SSL\00010002'
    return [ordered]@{
        path      = $script:ExTlsSchannelPath
        entries   = $entries.ToArray()
        eccCurves = [ordered]@{ policy = [ordered]@{ path = $curves; value = Get-ExTlsRegValue -Path $curves -Name 'EccCurves' } }
    }
}
