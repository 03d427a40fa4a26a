function Get-ExTlsWinHttp {
    $views = [ordered]@{
        native  = 'HKLM\SOFTWARE\Microsoft\Windows\CurrentVersion\Internet Settings\WinHttp'
        wow6432 = 'HKLM\SOFTWARE\Wow6432Node\Microsoft\Windows\CurrentVersion\Internet Settings\WinHttp'
    }
    $list = New-Object System.Collections.Generic.List[object]
    foreach ($view in $views.Keys) {
        $path = $views[$view]
        $list.Add([ordered]@{ view = $view; path = $path; defaultSecureProtocols = Get-ExTlsRegValue -Path $path -Name 'DefaultSecureProtocols' })
    }
    return ,($list.ToArray())
}
