# Invoke-ExTlsInventory against the real CLI (bin/extls.js, built) and real pwsh, with servers read locally from
# .reg exports, a WinRM port that refuses, and an SSH port that accepts but never answers; plus a stand-in CLI
# (helpers/fake-extls.mjs) that records exactly what the module handed it.
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot '../../ps/ExTls/ExTls.psd1') -Force
    Import-Module (Join-Path $PSScriptRoot 'helpers/TestHelpers.psm1') -Force
    $repo = Get-TestRepoRoot
    $reg = Join-Path $repo 'test/fixtures/inventory/server-ok.reg'
    $fakeCli = Join-Path $PSScriptRoot 'helpers/fake-extls.mjs'
    $noLogs = @{ scanLogs = $false }
}

AfterAll {
    Remove-Module ExTls, TestHelpers -ErrorAction SilentlyContinue
}

Describe 'Invoke-ExTlsInventory: pipeline binding' {
    Context 'with the stand-in CLI (fast: checks what each input becomes)' {
        BeforeAll {
            $oldCli = $env:EXTLS_CLI
            $env:EXTLS_CLI = $fakeCli
            $env:EXTLS_FAKE_LOG = Join-Path $TestDrive 'fake.json'
        }
        AfterAll {
            $env:EXTLS_CLI = $oldCli
            Remove-Item Env:EXTLS_FAKE_LOG -ErrorAction SilentlyContinue
        }

        It 'binds Get-ExchangeServer-shaped objects by Fqdn and shows them by name' {
            $exchange = @(
                [pscustomobject]@{ Name = 'EX01'; Fqdn = 'ex01.contoso.com'; ServerRole = 'Mailbox'; AdminDisplayVersion = 'Version 15.2 (Build 1544.4)' }
                [pscustomobject]@{ Name = 'EX02'; Fqdn = 'ex02.contoso.com'; ServerRole = 'Mailbox'; AdminDisplayVersion = 'Version 15.2 (Build 1544.4)' }
            )
            $records = @($exchange | Invoke-ExTlsInventory)
            $records.Server | Should -Be @('EX01', 'EX02')
            @($records | ForEach-Object Address) | Should -Be @('ex01.contoso.com', 'ex02.contoso.com')
            $records[0].PSObject.TypeNames[0] | Should -Be 'ExTls.InventoryRecord'
        }

        It 'binds Get-ADComputer-shaped objects by DNSHostName, plain strings and ComputerName properties' {
            $ad = [pscustomobject]@{ Name = 'EX03'; DNSHostName = 'ex03.contoso.com'; Enabled = $true; DistinguishedName = 'CN=EX03,OU=Exchange,DC=contoso,DC=com' }
            $other = [pscustomobject]@{ ComputerName = 'EX04' }
            $records = @($ad, 'EX05', $other, '10.0.0.6' | Invoke-ExTlsInventory)
            $records.Server | Should -Be @('EX03', 'EX05', 'EX04', '10.0.0.6')
            $records[0].Address | Should -Be 'ex03.contoso.com'
        }

        It 'runs the CLI once, in end{}, for all piped servers, and drops duplicates' {
            $records = @('EX01', 'ex01', 'EX02' | Invoke-ExTlsInventory)
            $records.Server | Should -Be @('EX01', 'EX02')
            $log = Get-Content -LiteralPath $env:EXTLS_FAKE_LOG -Raw | ConvertFrom-Json
            @(($log.stdin | ConvertFrom-Json).servers).Count | Should -Be 2
        }

        It 'keeps whole names when the first labels of two DNS names collide' {
            $records = @('ex01.contoso.com', 'ex01.fabrikam.com' | Invoke-ExTlsInventory)
            $records.Server | Should -Be @('ex01.contoso.com', 'ex01.fabrikam.com')
        }

        It 'hands the fleet over as JSON data with per-server exports, transport and collector options' {
            $exports = @{ EX01 = 'exports/EX01'; 'ex02.contoso.com' = 'a.reg', 'b.reg' }
            $null = 'ex01.contoso.com', 'ex02.contoso.com' | Invoke-ExTlsInventory -Transport local -RegistryExportPath $exports -CollectorOption @{ logDays = 3 } -ThrottleLimit 4 -TimeoutSeconds 60
            $log = Get-Content -LiteralPath $env:EXTLS_FAKE_LOG -Raw | ConvertFrom-Json
            $fleet = $log.stdin | ConvertFrom-Json
            $fleet.defaults.transport | Should -Be 'local'
            $fleet.defaults.collector.logDays | Should -Be 3
            $fleet.servers[0].name | Should -Be 'EX01'
            @($fleet.servers[0].collector.registryExports) | Should -Be @((Join-Path (Get-Location).ProviderPath 'exports/EX01'))
            @($fleet.servers[1].collector.registryExports).Count | Should -Be 2
            $log.argv | Should -Be @('inventory', '--fleet', '-', '--format', 'ndjson', '--progress', 'json', '--throttle', '4', '--timeout', '60')
        }

        It 'refuses a -RegistryExportPath or -ProtocolLogPath key that names no server, before anything runs' {
            Remove-Item -LiteralPath $env:EXTLS_FAKE_LOG -ErrorAction SilentlyContinue
            { Invoke-ExTlsInventory -ComputerName EX01 -Transport local -RegistryExportPath @{ EX01 = 'a.reg'; EX99 = 'b.reg' } } |
                Should -Throw -ErrorId 'ExTls.InvalidArgument,Invoke-ExTlsInventory' -ExpectedMessage "*'EX99'*"
            { Invoke-ExTlsInventory -ComputerName EX01 -ProtocolLogPath @{ EX1 = 'logs' } } |
                Should -Throw -ErrorId 'ExTls.InvalidArgument,Invoke-ExTlsInventory' -ExpectedMessage "*'EX1'*"
            Test-Path -LiteralPath $env:EXTLS_FAKE_LOG | Should -BeFalse
        }

        It 'refuses, with -Transport local, a server that -RegistryExportPath has no entry for (it would read this computer)' {
            Remove-Item -LiteralPath $env:EXTLS_FAKE_LOG -ErrorAction SilentlyContinue
            { 'EX01', 'EX02' | Invoke-ExTlsInventory -Transport local -RegistryExportPath @{ EX01 = 'a.reg' } } |
                Should -Throw -ErrorId 'ExTls.InvalidArgument,Invoke-ExTlsInventory' -ExpectedMessage '*EX02*'
            Test-Path -LiteralPath $env:EXTLS_FAKE_LOG | Should -BeFalse
        }

        It 'binds objects by Identity, PSComputerName, ServerName or Server (Server before a database or connector Name)' {
            $inputs = @(
                [pscustomobject]@{ Identity = 'EX11'; Enabled = $true }
                [pscustomobject]@{ PSComputerName = 'ex12.contoso.com'; RunspaceId = [guid]::NewGuid() }
                [pscustomobject]@{ ServerName = 'ex13'; Name = 'Alice'; Database = 'DB01' }
                [pscustomobject]@{ Server = 'EX14'; Name = 'DB02'; Identity = 'DB02' }
                @{ Fqdn = 'ex15.contoso.com' }
            )
            $records = @($inputs | Invoke-ExTlsInventory)
            $records.Server | Should -Be @('EX11', 'EX12', 'ex13', 'EX14', 'EX15')
        }

        It 'refuses any other object by name, never as "@{...}" text, and runs nothing' {
            Remove-Item -LiteralPath $env:EXTLS_FAKE_LOG -ErrorAction SilentlyContinue
            $err = $null
            try { $null = 'EX01', [pscustomobject]@{ Mailbox = 'alice'; Size = 3 } | Invoke-ExTlsInventory } catch { $err = $_ }
            $err | Should -Not -BeNullOrEmpty
            $err.FullyQualifiedErrorId | Should -Be 'ExTls.UnsupportedInput,Invoke-ExTlsInventory'
            $err.Exception.Message | Should -Match 'Fqdn, DNSHostName, ComputerName, ServerName, Server, Name, PSComputerName, Identity'
            $err.Exception.Message | Should -Match 'Mailbox, Size'
            Test-Path -LiteralPath $env:EXTLS_FAKE_LOG | Should -BeFalse
            { [pscustomobject]@{ Name = [pscustomobject]@{ Inner = 1 } } | Invoke-ExTlsInventory } | Should -Throw -ErrorId 'ExTls.UnsupportedInput,Invoke-ExTlsInventory'
        }

        It '-WhatIf runs `extls inventory --plan` only and returns nothing' {
            $records = @('EX01', 'EX02' | Invoke-ExTlsInventory -WhatIf)
            $records.Count | Should -Be 0
            $log = Get-Content -LiteralPath $env:EXTLS_FAKE_LOG -Raw | ConvertFrom-Json
            $log.argv | Should -Contain '--plan'
            $log.argv | Should -Not -Contain '--format'
        }
    }

    Context 'results survive ordinary scripts (stand-in CLI)' {
        BeforeAll {
            $oldCli = $env:EXTLS_CLI
            $env:EXTLS_CLI = $fakeCli
            $env:EXTLS_FAKE_LOG = Join-Path $TestDrive 'fake-survive.json'
        }
        AfterAll {
            $env:EXTLS_CLI = $oldCli
            Remove-Item Env:EXTLS_FAKE_LOG -ErrorAction SilentlyContinue
        }

        It 'a script with $ErrorActionPreference = Stop gets every server, a warning for the failed one, and the whole file' {
            $outFile = Join-Path $TestDrive 'stop.json'
            $got = New-Object System.Collections.Generic.List[object]
            $err = & {
                $ErrorActionPreference = 'Stop'
                try {
                    'EX01', 'FAIL02', 'EX03' | Invoke-ExTlsInventory -OutFile $outFile -WarningVariable warned -WarningAction SilentlyContinue | ForEach-Object { $got.Add($_) }
                    $script:stopWarnings = $warned
                } catch { $_ }
            }
            $err | Should -BeNullOrEmpty
            @($got.Server) | Should -Be @('EX01', 'FAIL02', 'EX03')
            ($got | Where-Object Server -eq 'FAIL02').Status | Should -Be 'Failed'
            @($script:stopWarnings).Count | Should -Be 1
            [string]$script:stopWarnings[0] | Should -Match '^FAIL02: unreachable: '
            $inventory = Get-Content -LiteralPath $outFile -Raw | ConvertFrom-Json
            @($inventory.servers.server) | Should -Be @('EX01', 'FAIL02', 'EX03')
            $inventory.summary.failed | Should -Be 1
            $inventory.source | Should -Not -Match 'stopped early'
            @(Get-ChildItem -LiteralPath $TestDrive -Filter '*.tmp' -Force).Count | Should -Be 0
        }

        It 'an -OutFile that cannot be written stops in begin, before anything runs' {
            if ((Get-Variable -Name IsWindows -ValueOnly -ErrorAction SilentlyContinue) -eq $false) {
                # /proc takes no new files, even for root (file permissions would not stop root)
                $target = '/proc/extls-inventory.json'
            } else {
                # a folder that denies this user creating files (a deny entry holds for administrators too)
                $locked = Join-Path $TestDrive 'locked'
                $null = New-Item -ItemType Directory -Path $locked
                $acl = Get-Acl -LiteralPath $locked
                $me = [System.Security.Principal.WindowsIdentity]::GetCurrent().User
                $acl.AddAccessRule((New-Object System.Security.AccessControl.FileSystemAccessRule ($me, 'CreateFiles, WriteData', 'Deny')))
                Set-Acl -LiteralPath $locked -AclObject $acl
                $target = Join-Path $locked 'inventory.json'
            }
            $log = $env:EXTLS_FAKE_LOG
            Remove-Item -LiteralPath $log -ErrorAction SilentlyContinue
            { 'EX01' | Invoke-ExTlsInventory -OutFile $target } | Should -Throw -ErrorId 'ExTls.OutFileNotWritable,Invoke-ExTlsInventory'
            Test-Path -LiteralPath $log | Should -BeFalse -Because 'the CLI was never started'
        }

        It '-EnableException throws and still writes the inventory file' {
            $outFile = Join-Path $TestDrive 'enable.json'
            { 'EX01', 'FAIL02', 'EX03' | Invoke-ExTlsInventory -OutFile $outFile -EnableException } | Should -Throw -ErrorId 'ExTls.ServerFailed,unreachable,Invoke-ExTlsInventory'
            @((Get-Content -LiteralPath $outFile -Raw | ConvertFrom-Json).servers.server) | Should -Be @('EX01', 'FAIL02')
        }

        It 'Select-Object -First still writes the inventory file' {
            $outFile = Join-Path $TestDrive 'first.json'
            $first = 'EX01', 'EX02', 'EX03' | Invoke-ExTlsInventory -OutFile $outFile | Select-Object -First 1
            $first.Server | Should -Be 'EX01'
            $inventory = Get-Content -LiteralPath $outFile -Raw | ConvertFrom-Json
            @($inventory.servers.server) | Should -Be @('EX01')
            $inventory.summary.ok | Should -Be 1
        }

        It 'a whole run writes every server, with no "stopped early" note' {
            $outFile = Join-Path $TestDrive 'whole.json'
            $null = 'EX01', 'FAIL02' | Invoke-ExTlsInventory -OutFile $outFile -ErrorAction SilentlyContinue
            $inventory = Get-Content -LiteralPath $outFile -Raw | ConvertFrom-Json
            @($inventory.servers.server) | Should -Be @('EX01', 'FAIL02')
            $inventory.source | Should -Be 'Invoke-ExTlsInventory'
        }

        It 'an -OutFile whose folder does not exist fails before anything runs' {
            Remove-Item -LiteralPath $env:EXTLS_FAKE_LOG -ErrorAction SilentlyContinue
            $outFile = Join-Path $TestDrive 'no-such-folder/inventory.json'
            { 'EX01' | Invoke-ExTlsInventory -OutFile $outFile } | Should -Throw -ErrorId 'ExTls.OutFileFolderNotFound,Invoke-ExTlsInventory' -ExpectedMessage '*does not exist*'
            Test-Path -LiteralPath $env:EXTLS_FAKE_LOG | Should -BeFalse
        }
    }

    Context 'with the real CLI, reading .reg exports locally' {
        It 'collects Get-ExchangeServer- and Get-ADComputer-shaped servers and types the results' {
            $exchange = [pscustomobject]@{ Name = 'EX01'; Fqdn = 'ex01.contoso.com'; ServerRole = 'Mailbox'; AdminDisplayVersion = 'Version 15.2 (Build 1544.4)' }
            $ad = [pscustomobject]@{ Name = 'EX02'; DNSHostName = 'ex02.contoso.com' }
            $outFile = Join-Path $TestDrive 'inventory.json'
            $records = @($exchange, $ad | Invoke-ExTlsInventory -Transport local -RegistryExportPath @{ EX01 = $reg; EX02 = $reg } -CollectorOption $noLogs -OutFile $outFile)

            @($records.Server | Sort-Object) | Should -Be @('EX01', 'EX02')
            foreach ($r in $records) {
                $r.PSObject.TypeNames[0] | Should -Be 'ExTls.InventoryRecord'
                $r.Status | Should -Be 'Ok'
                $r.Category | Should -BeNullOrEmpty
                $r.Transport | Should -Be 'local'
                $r.ExchangeBuild | Should -Be '15.2.1544.4'
                $r.OSBuild | Should -Match '^17763\.\d+$'
                $r.Dag | Should -Be 'DAG01'
                $r.Role | Should -Be 'Mailbox'
                $r.RebootPending | Should -BeFalse
                $r.Raw.Record.schemaVersion | Should -Be 1
                ($r.Raw.Json | ConvertFrom-Json).server | Should -Be $r.Server
                $r.ExchangeBuild | Should -BeOfType [version]
                $r.OSBuild | Should -BeOfType [version]
                $r.CollectedAt | Should -BeOfType [datetime]
            }

            # -OutFile: a whole inventory that extls analyze accepts
            $inventory = Get-Content -LiteralPath $outFile -Raw | ConvertFrom-Json
            $inventory.summary.total | Should -Be 2
            $inventory.summary.ok | Should -Be 2
            @($inventory.servers.server | Sort-Object) | Should -Be @('EX01', 'EX02')
            @(Get-ExTlsFinding -InventoryPath $outFile -ErrorAction Stop).Count | Should -BeGreaterThan 0
            @(Get-ChildItem -LiteralPath $TestDrive -Filter '*.tmp' -Force).Count | Should -Be 0
        }

        It 'refuses an -OutFile in a folder that does not exist before running anything' {
            $err = $null
            try {
                $null = Invoke-ExTlsInventory -ComputerName EX01 -Transport local -OutFile (Join-Path $TestDrive 'missing/inventory.json')
            } catch { $err = $_ }
            $err.FullyQualifiedErrorId | Should -BeLike 'ExTls.OutFileFolderNotFound*'
            $err.Exception.Message | Should -Match 'missing'
            Test-Path -LiteralPath (Join-Path $TestDrive 'missing') | Should -BeFalse
        }

        It 'turns a CLI exit code 1 (bad fleet) into a terminating error with its message' {
            $err = $null
            try {
                $null = Invoke-ExTlsInventory -ComputerName EX01 -Transport local -CollectorOption @{ noSuchOption = 1 }
            } catch { $err = $_ }
            $err | Should -Not -BeNullOrEmpty
            $err.FullyQualifiedErrorId | Should -BeLike 'ExTls.CliFailed*'
            $err.Exception.Message | Should -Match 'invalid fleet file'
            $err.Exception.Message | Should -Match 'noSuchOption'
        }
    }
}

Describe 'Invoke-ExTlsInventory: results stream' {
    BeforeAll {
        $silent = Start-TestHelperServer -Name 'silent-listener'
        $folder = Join-Path $TestDrive 'fleet'
        $null = New-Item -ItemType Directory -Path (Join-Path $folder 'exports')
        Copy-Item -LiteralPath $reg -Destination (Join-Path $folder 'exports/EX01.reg')
        # EX01 is read locally from a path relative to the fleet file; SLOW is an SSH server that accepts TCP but never answers.
        $fleet = [ordered]@{
            defaults = [ordered]@{ transport = 'local'; collector = @{ scanLogs = $false } }
            servers  = @(
                [ordered]@{ name = 'EX01'; collector = @{ registryExports = @('exports/EX01.reg') } }
                [ordered]@{ name = 'SLOW'; transport = 'ssh'; address = '127.0.0.1'; timeoutSeconds = 25; ssh = [ordered]@{ port = $silent.Port; userName = 'extls' } }
            )
        }
        $fleetFile = Join-Path $folder 'fleet.json'
        Set-Content -LiteralPath $fleetFile -Value (ConvertTo-Json -InputObject $fleet -Depth 10) -Encoding UTF8
    }
    AfterAll {
        Stop-TestHelperServer $silent
    }

    It 'emits the first server long before the slow one finishes' {
        $clock = [System.Diagnostics.Stopwatch]::StartNew()
        $arrivals = @(Invoke-ExTlsInventory -FleetFile $fleetFile -ErrorAction SilentlyContinue |
                ForEach-Object { [pscustomobject]@{ Server = $_.Server; Status = $_.Status; Category = $_.Category; At = $clock.Elapsed.TotalSeconds } })
        $clock.Stop()

        $arrivals.Server | Should -Be @('EX01', 'SLOW')
        $arrivals[0].Status | Should -Be 'Ok'
        $arrivals[1].Status | Should -Be 'Failed'
        $arrivals[1].Category | Should -Be 'timeout'
        # the slow server took its full timeout; the first object was in the pipeline well before that
        $arrivals[1].At | Should -BeGreaterThan 20
        $arrivals[0].At | Should -BeLessThan ($arrivals[1].At - 5)
    }

    It 'stops the CLI when the pipeline stops early (Select-Object -First 1)' {
        $clock = [System.Diagnostics.Stopwatch]::StartNew()
        $first = Invoke-ExTlsInventory -FleetFile $fleetFile -ErrorAction SilentlyContinue | Select-Object -First 1
        $clock.Stop()
        $first.Server | Should -Be 'EX01'
        $clock.Elapsed.TotalSeconds | Should -BeLessThan 20
    }
}

Describe 'Invoke-ExTlsInventory: a failed server' {
    It 'writes its failed record and a warning naming the server, no error' {
        $records = @(Invoke-ExTlsInventory -ComputerName 127.0.0.1 -Transport winrm -Port 1 -TimeoutSeconds 20 -ErrorVariable failures -WarningVariable warned -WarningAction SilentlyContinue)
        $records.Count | Should -Be 1
        $records[0].Server | Should -Be '127.0.0.1'
        $records[0].Status | Should -Be 'Failed'
        $records[0].Category | Should -Be 'unreachable'
        $records[0].Message | Should -Match '127\.0\.0\.1:1'

        @($failures).Count | Should -Be 0
        @($warned).Count | Should -Be 1
        [string]$warned[0] | Should -Match '^127\.0\.0\.1: unreachable: '
    }

    It 'throws with -EnableException' {
        $err = $null
        try {
            $null = Invoke-ExTlsInventory -ComputerName 127.0.0.1 -Port 1 -EnableException -TimeoutSeconds 20
        } catch { $err = $_ }
        $err | Should -Not -BeNullOrEmpty
        $err.FullyQualifiedErrorId | Should -Be 'ExTls.ServerFailed,unreachable,Invoke-ExTlsInventory'
        $err.TargetObject | Should -Be '127.0.0.1'
        $err.CategoryInfo.Category | Should -Be ([System.Management.Automation.ErrorCategory]::ConnectionError)
    }

    It 'maps every failure category to an error category' {
        InModuleScope ExTls {
            Get-ExTlsFailureErrorCategory -Category 'unreachable' | Should -Be ([System.Management.Automation.ErrorCategory]::ConnectionError)
            Get-ExTlsFailureErrorCategory -Category 'name-not-resolved' | Should -Be ([System.Management.Automation.ErrorCategory]::ObjectNotFound)
            Get-ExTlsFailureErrorCategory -Category 'auth' | Should -Be ([System.Management.Automation.ErrorCategory]::AuthenticationError)
            Get-ExTlsFailureErrorCategory -Category 'timeout' | Should -Be ([System.Management.Automation.ErrorCategory]::OperationTimeout)
            Get-ExTlsFailureErrorCategory -Category 'collector-error' | Should -Be ([System.Management.Automation.ErrorCategory]::InvalidResult)
            Get-ExTlsFailureErrorCategory -Category 'invalid-output' | Should -Be ([System.Management.Automation.ErrorCategory]::InvalidResult)
            Get-ExTlsFailureErrorCategory -Category 'interrupted' | Should -Be ([System.Management.Automation.ErrorCategory]::OperationStopped)
            Get-ExTlsFailureErrorCategory -Category 'clock-skew' | Should -Be ([System.Management.Automation.ErrorCategory]::InvalidResult)
        }
    }
}

Describe 'Invoke-ExTlsInventory: the credential' {
    BeforeAll {
        $password = 'S3cr3t-"quoted" $(not-run) ü ' + [guid]::NewGuid().ToString('N')
        $credential = New-TestCredential -Password $password
    }

    It 'is not on the command line or in the environment the helper builds' {
        # The mock keeps what Invoke-ExTlsInventory would have started, and starts nothing.
        $global:ExTlsTestCapture = @{}
        Mock -ModuleName ExTls Start-ExTlsCli {
            $global:ExTlsTestCapture.StartInfo = $StartInfo
            $global:ExTlsTestCapture.InputText = $InputText
            throw 'captured'
        }
        try {
            { Invoke-ExTlsInventory -ComputerName EX01 -Credential $credential } | Should -Throw
            $psi = $global:ExTlsTestCapture.StartInfo
            $stdin = $global:ExTlsTestCapture.InputText
        } finally {
            Remove-Variable -Name ExTlsTestCapture -Scope Global
        }
        $psi | Should -Not -BeNullOrEmpty

        $commandLine = @($psi.FileName) + @($psi.ArgumentList) + @($psi.Arguments)
        ($commandLine -join ' ') | Should -Not -Match ([regex]::Escape($password))
        @($psi.ArgumentList) | Should -Contain '--credential-stdin'
        foreach ($key in @($psi.Environment.Keys)) {
            [string]$psi.Environment[$key] | Should -Not -Match ([regex]::Escape($password)) -Because "environment variable $key"
        }
        $psi.RedirectStandardInput | Should -BeTrue
        $psi.RedirectStandardOutput | Should -BeTrue
        $psi.RedirectStandardError | Should -BeTrue
        $psi.StandardOutputEncoding.WebName | Should -Be 'utf-8'

        $first = ($stdin -split "`n")[0] | ConvertFrom-Json
        $first.userName | Should -Be 'CONTOSO\svc-extls'
        $first.password | Should -Be $password
    }

    It 'reaches the CLI on stdin only: argv and environment of the running child are clean' {
        $oldCli = $env:EXTLS_CLI
        try {
            $env:EXTLS_CLI = $fakeCli
            $env:EXTLS_FAKE_LOG = Join-Path $TestDrive 'credential.json'
            $records = @(Invoke-ExTlsInventory -ComputerName 'ex01.contoso.com' -Credential $credential)
            $records.Server | Should -Be 'EX01'
            $raw = Get-Content -LiteralPath $env:EXTLS_FAKE_LOG -Raw -Encoding UTF8
            $log = $raw | ConvertFrom-Json
            ($log.argv -join ' ') | Should -Not -Match ([regex]::Escape($password))
            ($log.execArgv -join ' ') | Should -Not -Match ([regex]::Escape($password))
            foreach ($p in $log.env.PSObject.Properties) { [string]$p.Value | Should -Not -Match ([regex]::Escape($password)) -Because "environment variable $($p.Name)" }
            $lines = $log.stdin -split "`n", 2
            ($lines[0] | ConvertFrom-Json).password | Should -Be $password
            ($lines[1] | ConvertFrom-Json).servers[0].address | Should -Be 'ex01.contoso.com'
        } finally {
            $env:EXTLS_CLI = $oldCli
            Remove-Item Env:EXTLS_FAKE_LOG -ErrorAction SilentlyContinue
        }
    }
}

Describe 'Windows PowerShell 5.1 command line (ProcessStartInfo.Arguments)' {
    It 'round-trips every argument through the Windows quoting rules: <_>' -ForEach @(
        , @('plain', '--flag', '-')
        , @('with space', 'C:\Program Files\extls\bin\extls.js', 'trailing\', 'trailing space\ ')
        , @('quote"inside', 'back\"slash', '\\server\share\', '', 'a\\b')
        , @('--out=C:\runbooks dir\', 'ü and 日本', "tab`there")
    ) {
        $arguments = $_
        $line = InModuleScope ExTls -Parameters @{ A = $arguments } { param($A) ConvertTo-ExTlsArgumentString -Argument $A }
        # .NET parses Arguments with the same rules as CommandLineToArgvW, on every OS: node prints what it received.
        $psi = New-Object System.Diagnostics.ProcessStartInfo
        $psi.FileName = Get-TestNode
        $psi.Arguments = '-e "process.stdout.write(JSON.stringify(process.argv.slice(1)))" -- ' + $line
        $psi.UseShellExecute = $false
        $psi.RedirectStandardOutput = $true
        $psi.StandardOutputEncoding = New-Object System.Text.UTF8Encoding $false
        $p = [System.Diagnostics.Process]::Start($psi)
        $out = $p.StandardOutput.ReadToEnd()
        $p.WaitForExit()
        $received = @($out | ConvertFrom-Json)
        $received.Count | Should -Be $arguments.Count
        for ($i = 0; $i -lt $arguments.Count; $i++) { $received[$i] | Should -BeExactly $arguments[$i] }
    }
}
