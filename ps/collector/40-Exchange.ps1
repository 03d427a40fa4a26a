# Exchange install path, build and roles from the registry (and ExSetup.exe on a live server): no Exchange shell.
function Get-ExTlsExchange {
    param($InstallPathOverride = $null)
    $result = [ordered]@{
        installed    = $false
        setupKeyPath = $null
        installPath  = $null
        build        = $null
        buildSource  = $null
        roles        = @()
        isEdge       = $false
    }
    $versionKey = $null
    foreach ($v in @('v15', 'v14')) {
        $k = "HKLM\SOFTWARE\Microsoft\ExchangeServer\$v"
        if (Test-ExTlsRegKey -Path "$k\Setup") { $versionKey = $k; break }
    }
    if ($versionKey) {
        $setup = "$versionKey\Setup"
        $result.installed = $true
        $result.setupKeyPath = $setup
        $result.installPath = Get-ExTlsRegString -Section 'exchange' -Path $setup -Name 'MsiInstallPath'
        $parts = @()
        foreach ($n in @('MsiProductMajor', 'MsiProductMinor', 'MsiBuildMajor', 'MsiBuildMinor')) {
            $parts += , (Get-ExTlsRegDword -Section 'exchange' -Path $setup -Name $n)
        }
        if (@($parts | Where-Object { $null -eq $_ }).Count -eq 0) {
            $result.build = ($parts -join '.')
            $result.buildSource = 'setup-registry'
        }
        # Role subkeys: MailboxRole, ClientAccessRole, HubTransportRole, EdgeTransportRole, ...
        # Assign first: the helper returns its array wrapped (,$array), which a pipeline would pass as one item.
        $subKeys = Get-ExTlsRegSubKeyNames -Path $versionKey
        $roles = @($subKeys | Where-Object { $_ -match 'Role$' })
        $result.roles = $roles
        $result.isEdge = [bool]($roles -contains 'EdgeTransportRole')
    }
    if ($InstallPathOverride) { $result.installPath = [string]$InstallPathOverride }

    # ExSetup.exe's file version includes the SU level. Only on the live server: with .reg exports the files on
    # this machine belong to some other server.
    if ($script:ExTlsReg.Kind -eq 'live' -and $result.installPath) {
        $exe = [IO.Path]::Combine([string]$result.installPath, 'bin', 'ExSetup.exe')
        if ([IO.File]::Exists($exe)) {
            try {
                $fv = [Diagnostics.FileVersionInfo]::GetVersionInfo($exe)
                $result.build = '{0}.{1}.{2}.{3}' -f $fv.FileMajorPart, $fv.FileMinorPart, $fv.FileBuildPart, $fv.FilePrivatePart
                $result.buildSource = 'exsetup-file'
                $result.installed = $true
            } catch {
                Add-ExTlsWarning -Section 'exchange' -Message "cannot read the version of ${exe}: $($_.Exception.Message)"
            }
        }
    }
    return $result
}
