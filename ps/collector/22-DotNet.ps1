function Get-ExTlsDotNet {
    $frameworks = New-Object System.Collections.Generic.List[object]
    foreach ($version in @('v2.0.50727', 'v4.0.30319')) {
        foreach ($view in @('native', 'wow6432')) {
            if ($view -eq 'native') { $path = "HKLM\SOFTWARE\Microsoft\.NETFramework\$version" }
            else { $path = "HKLM\SOFTWARE\Wow6432Node\Microsoft\.NETFramework\$version" }
            $frameworks.Add([ordered]@{
                    version                  = $version
                    view                     = $view
                    path                     = $path
                    keyExists                = [bool](Test-ExTlsRegKey -Path $path)
                    systemDefaultTlsVersions = Get-ExTlsRegValue -Path $path -Name 'SystemDefaultTlsVersions'
                    schUseStrongCrypto       = Get-ExTlsRegValue -Path $path -Name 'SchUseStrongCrypto'
                })
        }
    }
    $releasePath = 'HKLM\SOFTWARE\Microsoft\NET Framework Setup\NDP\v4\Full'
    return [ordered]@{
        frameworks = $frameworks.ToArray()
        release    = [ordered]@{ path = $releasePath; value = Get-ExTlsRegValue -Path $releasePath -Name 'Release' }
    }
}
