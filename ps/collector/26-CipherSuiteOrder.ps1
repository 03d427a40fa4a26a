function Get-ExTlsCipherSuiteOrder {
    # Policy (GPO, REG_SZ comma list) wins over the local setting (REG_MULTI_SZ) in Windows; both kept raw.
    $policy = 'HKLM\SOFTWARE\Policies\Microsoft\Cryptography\Configuration\SSL\00010002'
    $local = 'HKLM\SYSTEM\CurrentControlSet\Control\Cryptography\Configuration\Local\SSL\00010002'
    return [ordered]@{
        policy = [ordered]@{ path = $policy; value = Get-ExTlsRegValue -Path $policy -Name 'Functions' }
        local  = [ordered]@{ path = $local; value = Get-ExTlsRegValue -Path $local -Name 'Functions' }
    }
}
