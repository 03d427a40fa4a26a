# ps/shared: the registry layer, backup format and JSON helpers that the collector and the generated
# remediate/rollback scripts both carry (inlined at build time). Tested here once, on .reg files.
BeforeAll {
    $shared = Join-Path $PSScriptRoot '../../ps/shared'
    foreach ($sharedFile in @(Get-ChildItem -LiteralPath $shared -Filter '*.ps1' | Sort-Object -Property Name)) { . $sharedFile.FullName }

    function Write-TestRegFile {
        param([string]$Path, [string[]]$Lines)
        $text = ($Lines -join "`r`n") + "`r`n"
        [IO.File]::WriteAllText($Path, $text, (New-Object System.Text.UnicodeEncoding($false, $true)))
    }
    $script:dir = Join-Path ([IO.Path]::GetTempPath()) ('extls-shared-' + [guid]::NewGuid().ToString('n'))
    $null = New-Item -ItemType Directory -Path $script:dir
    $script:P = 'HKEY_LOCAL_MACHINE\SYSTEM\CurrentControlSet\Control\SecurityProviders\SCHANNEL\Protocols'
}

AfterAll {
    Remove-Item -LiteralPath $script:dir -Recurse -Force -ErrorAction SilentlyContinue
}

Describe '.reg files (RegFile.ps1)' {
    It 'reads every value type raw and writes the same file back byte for byte' {
        $lines = @(
            'Windows Registry Editor Version 5.00',
            '',
            "[$P\TLS 1.2\Server]",
            '"Enabled"=dword:ffffffff',
            '"DisabledByDefault"=dword:00000000',
            '',
            '[HKEY_LOCAL_MACHINE\SOFTWARE\extls]',
            '@="default \"quoted\" C:\\path"',
            '"Multi"=hex(7):61,00,00,00,62,00,00,00,00,00',
            '"Expand"=hex(2):25,00,54,00,45,00,4d,00,50,00,25,00,00,00',
            '"Q"=hex(b):01,00,00,00,00,00,00,00',
            '"Bin"=hex:de,ad,be,ef',
            '"None"=hex(0):',
            '"Link"=hex(6):01,02',
            ''
        )
        $file = Join-Path $dir 'types.reg'
        Write-TestRegFile -Path $file -Lines $lines
        $keys = New-ExTlsRegModel
        Import-ExTlsRegFile -KeyTable $keys -FullPath $file -Label 'types.reg'
        $values = $keys['hklm\software\extls'].ValueTable
        $values[''].Value | Should -BeExactly 'default "quoted" C:\path'
        $values['multi'].Value | Should -Be @('a', 'b')
        $values['expand'] | Should -Not -BeNullOrEmpty
        $values['expand'].Type | Should -Be 'REG_EXPAND_SZ'
        $values['expand'].Value | Should -BeExactly '%TEMP%'
        $values['q'].Value | Should -BeExactly '1'
        $values['bin'].Value | Should -BeExactly 'deadbeef'
        $values['none'].Type | Should -Be 'REG_NONE'
        $values['link'].Type | Should -Be 'REG_OTHER'
        $values['link'].Kind | Should -Be 6
        $keys['hklm\system\currentcontrolset\control\securityproviders\schannel\protocols\tls 1.2\server'].ValueTable['enabled'].Value | Should -Be 4294967295
        # implied parents are kept in the model but not written back
        $keys.Contains('hklm\system') | Should -BeTrue
        $expected = [IO.File]::ReadAllText($file)
        Format-ExTlsRegFile -KeyTable $keys | Should -BeExactly $expected
    }

    It 'names the file and line of a malformed line' {
        $file = Join-Path $dir 'bad.reg'
        Write-TestRegFile -Path $file -Lines @('Windows Registry Editor Version 5.00', '', "[$P\TLS 1.2\Server]", '"Enabled"=dword:123456789')
        $keys = New-ExTlsRegModel
        { Import-ExTlsRegFile -KeyTable $keys -FullPath $file -Label 'bad.reg' } | Should -Throw "bad.reg:4: invalid dword value '123456789' (more than 8 hex digits)"
    }

    It 'applies [-KEY] deletions and "name"=- removals in file order' {
        $file = Join-Path $dir 'delete.reg'
        Write-TestRegFile -Path $file -Lines @(
            'Windows Registry Editor Version 5.00', '',
            "[$P\TLS 1.0\Server]", '"Enabled"=dword:1', '"Gone"=dword:1', '"Gone"=-',
            "[$P\TLS 1.1\Server]", '"Enabled"=dword:1',
            "[-$P\TLS 1.1]", '"Ignored"=dword:1')
        $keys = New-ExTlsRegModel
        Import-ExTlsRegFile -KeyTable $keys -FullPath $file -Label 'delete.reg'
        $protocols = $keys['hklm\system\currentcontrolset\control\securityproviders\schannel\protocols']
        @($protocols.Children.Values) | Should -Be @('TLS 1.0')
        @($keys['hklm\system\currentcontrolset\control\securityproviders\schannel\protocols\tls 1.0\server'].ValueTable.Keys) | Should -Be @('enabled')
    }
}

Describe 'registry layer on a .reg target (Registry.ps1)' {
    BeforeEach {
        $file = Join-Path $dir ('target-' + [guid]::NewGuid().ToString('n') + '.reg')
        Write-TestRegFile -Path $file -Lines @('Windows Registry Editor Version 5.00', '', "[$P\TLS 1.2\Client]", '"Enabled"=dword:00000000', '')
        Open-ExTlsRegistry -Files @($file)
    }

    It 'reads in the collector''s shape and the scripts'' shape, any hive spelling' {
        Get-ExTlsRegValue -Path 'hklm\system\currentcontrolset\control\securityproviders\schannel\protocols\tls 1.2\client\' -Name 'ENABLED' |
            ConvertTo-Json -Compress | Should -BeExactly '{"present":true,"type":"REG_DWORD","value":0}'
        Get-ExTlsRegValue -Path "$P\TLS 1.2\Client" -Name 'DisabledByDefault' | ConvertTo-Json -Compress | Should -BeExactly '{"present":false}'
        Get-ExTlsRegItem -Path "$P\TLS 1.2\Server" -Name 'Enabled' | Should -BeNullOrEmpty
        $subKeys = Get-ExTlsRegSubKeyNames -Path "$P\TLS 1.2"
        $subKeys | Should -Be @('Client')
        $script:ExTlsReg.Label | Should -BeExactly "registry file $file"
    }

    It 'writes values and keys, lists the keys a write creates, and removes only empty keys' {
        $server = "HKLM\SYSTEM\CurrentControlSet\Control\SecurityProviders\SCHANNEL\Protocols\TLS 1.3\Server"
        $missing = Get-ExTlsRegMissingKeys -Path $server
        $missing | Should -Be @($server, ($server -replace '\\Server$', ''))
        Set-ExTlsRegValue -Path $server -Name 'Enabled' -Value (New-ExTlsRegItem 'REG_DWORD' 1)
        Set-ExTlsRegValue -Path "$P\TLS 1.2\Client" -Name 'Enabled' -Value (New-ExTlsRegItem 'REG_DWORD' 1)
        Remove-ExTlsRegKeyIfEmpty -Path ($server -replace '\\Server$', '') | Should -BeFalse
        Save-ExTlsRegistry

        Open-ExTlsRegistry -Files @($file)
        (Get-ExTlsRegItem -Path $server -Name 'Enabled').Value | Should -Be 1
        (Get-ExTlsRegItem -Path "$P\TLS 1.2\Client" -Name 'Enabled').Value | Should -Be 1
        Remove-ExTlsRegValue -Path $server -Name 'Enabled'
        Remove-ExTlsRegKeyIfEmpty -Path $server | Should -BeTrue
        Remove-ExTlsRegKeyIfEmpty -Path ($server -replace '\\Server$', '') | Should -BeTrue
        Save-ExTlsRegistry
        $text = [IO.File]::ReadAllText($file)
        $text | Should -Not -Match 'TLS 1\.3'
        $text | Should -Match '"Enabled"=dword:00000001'
    }

    It 'fails clearly without a registry' {
        { Open-ExTlsRegistry -Files @((Join-Path $dir 'missing.reg')) } | Should -Throw 'registry export not found: *'
        if ([Environment]::OSVersion.Platform -ne [PlatformID]::Win32NT) {
            { Open-ExTlsRegistry -Hint 'give -RegistryFile' } | Should -Throw 'No Windows registry on this system: give -RegistryFile'
        }
    }
}

Describe 'backup format and JSON (BackupFormat.ps1, Json.ps1)' {
    It 'round-trips every value type through the backup JSON, date-like strings included' {
        $items = @(
            (New-ExTlsRegItem 'REG_DWORD' 4294967295),
            (New-ExTlsRegItem 'REG_SZ' '2025-06-02T08:00:00Z'),
            (New-ExTlsRegItem 'REG_EXPAND_SZ' '%SystemRoot%\x'),
            (New-ExTlsRegItem 'REG_MULTI_SZ' ([string[]]@('a', '', 'c'))),
            (New-ExTlsRegItem 'REG_QWORD' '18446744073709551615'),
            (New-ExTlsRegItem 'REG_BINARY' 'deadbeef'),
            (New-ExTlsRegItem 'REG_OTHER' '0102' 6),
            $null
        )
        $path = Join-Path $dir 'backup.json'
        $entries = @(for ($i = 0; $i -lt $items.Count; $i++) { ConvertTo-ExTlsBackupEntry -Path 'SOFTWARE\extls' -Name "v$i" -Value $items[$i] })
        Write-ExTlsBackup -Path $path -Document ([ordered]@{ format = 'extls-registry-backup'; version = 1; values = $entries })
        $back = Read-ExTlsBackup $path
        for ($i = 0; $i -lt $items.Count; $i++) {
            $restored = ConvertFrom-ExTlsBackupEntry $back.values[$i]
            Test-ExTlsRegSameValue $restored $items[$i] | Should -BeTrue -Because "entry $i ($((Format-ExTlsRegValue $items[$i])))"
            if ($null -ne $items[$i]) { $restored.Kind | Should -Be $items[$i].Kind }
        }
        (ConvertFrom-ExTlsJson '{"t":"2025-06-02T08:00:00Z"}').t | Should -BeOfType [string]
        { Read-ExTlsBackup (Join-Path $dir 'types.reg') } | Should -Throw
    }
}
