function Get-ExTlsOs {
    $path = 'HKLM\SOFTWARE\Microsoft\Windows NT\CurrentVersion'
    return [ordered]@{
        path             = $path
        productName      = Get-ExTlsRegString -Section 'os' -Path $path -Name 'ProductName'
        currentBuild     = Get-ExTlsRegString -Section 'os' -Path $path -Name 'CurrentBuild'
        ubr              = Get-ExTlsRegDword -Section 'os' -Path $path -Name 'UBR'
        installationType = Get-ExTlsRegString -Section 'os' -Path $path -Name 'InstallationType'
        displayVersion   = Get-ExTlsRegString -Section 'os' -Path $path -Name 'DisplayVersion'
    }
}
