# The commands for the questions admins ask, on the demo fleet (examples/demo: nine simulated servers read from their
# registry exports and protocol logs, EX08 unreachable on purpose): Get-ExTlsInventory, Get-ExTlsServerState,
# Get-ExTlsLegacyPeer, Compare-ExTlsInventory and Get-ExTlsPolicy, with the real CLI.
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot '../../ps/ExTls/ExTls.psd1') -Force
    Import-Module (Join-Path $PSScriptRoot 'helpers/TestHelpers.psm1') -Force
    $repo = Get-TestRepoRoot
    $inventoryPath = Join-Path $TestDrive 'inventory.json'
    # collected the way a strict script does: EX08 (unreachable) must not stop the run (dbatools' convention)
    $stop = @{ Error = $null; Warnings = @() }
    $collected = & {
        $ErrorActionPreference = 'Stop'
        try {
            @(Invoke-ExTlsInventory -FleetFile (Join-Path $repo 'examples/demo/fleet.yaml') -OutFile $inventoryPath -WarningVariable stopWarnings -WarningAction SilentlyContinue)
            $stop.Warnings = @($stopWarnings)
        } catch { $stop.Error = $_ }
    }
    $referenceTime = [datetime]::new(2026, 11, 28, 12, 0, 0, [System.DateTimeKind]::Utc)
    # how many servers the demo fleet has (it grows as the demo does)
    $demoCount = @(Select-String -LiteralPath (Join-Path $repo 'examples/demo/fleet.yaml') -Pattern '^\s+- name: ').Count
}

AfterAll {
    Remove-Module ExTls, TestHelpers -ErrorAction SilentlyContinue
}

Describe 'Invoke-ExTlsInventory under $ErrorActionPreference = Stop' {
    It '-OutFile holds all the demo servers; the unreachable one is a record and a warning' {
        $stop.Error | Should -BeNullOrEmpty
        $demoCount | Should -BeGreaterOrEqual 9
        @($collected).Count | Should -Be $demoCount
        $inventory = Get-Content -LiteralPath $inventoryPath -Raw | ConvertFrom-Json
        @($inventory.servers).Count | Should -Be $demoCount
        $inventory.summary.failed | Should -Be 1
        ($collected | Where-Object Server -eq 'EX08').Status | Should -Be 'Failed'
        @($stop.Warnings).Count | Should -Be 1
        [string]$stop.Warnings[0] | Should -Match '^EX08: unreachable: '
    }
}

Describe 'Mail-flow facts as properties' {
    BeforeAll {
        $findings = @(Get-ExTlsFinding -InventoryPath $inventoryPath -Policy tls12-ready, legacy-off -ReferenceTime $referenceTime)
        $states = @(Get-ExTlsServerState -InventoryPath $inventoryPath -Policy tls12-ready, legacy-off -ReferenceTime $referenceTime)
    }

    It 'a mail-flow finding has FailingNow, FirstSeen, LastSeen, Count, Direction, Connector, Remote, RemoteName, Cause, ProbableCauseId' {
        $ex02 = $findings | Where-Object { $_.Server -eq 'EX02' -and $_.Category -eq 'mail-flow' -and $_.Connector -eq 'Outbound to Office 365' } | Select-Object -First 1
        $ex02.FailingNow | Should -BeTrue
        $ex02.FirstSeen | Should -BeOfType [datetime]
        $ex02.LastSeen | Should -BeOfType [datetime]
        $ex02.LastSeen | Should -BeGreaterOrEqual $ex02.FirstSeen
        $ex02.Count | Should -Be 14
        $ex02.Direction | Should -Be 'send'
        $ex02.Connector | Should -Be 'Outbound to Office 365'
        # Exchange Online's addresses are one peer (issue 24); its name from the log beside it
        $ex02.Remote | Should -Be 'Exchange Online'
        $ex02.RemoteName | Should -Be 'contoso-com.mail.protection.outlook.com'
        $ex02.Cause | Should -Be 'tls-handshake'
        $ex02.ProbableCauseId | Should -Be 'TLS12-CLIENT-DISABLED'
        $ex02.PSObject.Properties.Name | Should -Contain 'RemoteName'
        @($findings | Where-Object FailingNow | ForEach-Object Server | Select-Object -Unique | Sort-Object) | Should -Contain 'EDGE01'
        # and they survive Export-Csv
        $row = $ex02 | ConvertTo-Csv -NoTypeInformation | ConvertFrom-Csv
        $row.FailingNow | Should -Be 'True'
        $row.ProbableCauseId | Should -Be 'TLS12-CLIENT-DISABLED'
        ($findings | Where-Object { $_.Category -ne 'mail-flow' } | Select-Object -First 1).FailingNow | Should -BeNullOrEmpty
    }

    It 'Get-ExTlsServerState counts them: EX02 and EDGE01 have failing connectors and mail flow failing now' {
        $ex02 = $states | Where-Object Server -eq 'EX02'
        $ex02.FailingConnectors | Should -Match 'Outbound to Office 365'
        $ex02.MailFlow | Should -Be 'failing now'
        $ex02.FailingNowCount | Should -BeGreaterThan 0
        $ex02.MailFlowLastSeen | Should -BeOfType [datetime]
        $edge = $states | Where-Object Server -eq 'EDGE01'
        $edge.FailingConnectors | Should -Match 'Default internal receive connector EDGE01'
        $edge.MailFlow | Should -Be 'failing now'
        ($states | Where-Object Server -eq 'EX01').MailFlow | Should -Be 'earlier'
    }

    It 'says "not checked" where nothing was read, never "ok"' {
        # EX04's demo logs hold no SMTP sessions and no connector was read from it
        $ex04 = $states | Where-Object Server -eq 'EX04'
        $ex04.Connectors | Should -Be 'not checked'
        ($states | Where-Object Server -eq 'EX03').Connectors | Should -Not -Be 'not checked'
        ($states | Where-Object Server -eq 'EX08').MailFlow | Should -BeNullOrEmpty
        @($states | Where-Object MailFlow -eq 'not checked').Count + @($states | Where-Object MailFlow -eq 'no failures').Count | Should -BeGreaterThan 0
    }

    It 'Export-Csv of mixed Finding and FleetFinding output keeps Group and Servers, and Server' {
        $csv = Join-Path $TestDrive 'mixed.csv'
        $all = @(Get-ExTlsFinding -InventoryPath $inventoryPath -ReferenceTime $referenceTime)
        @($all | Where-Object { $_.PSObject.TypeNames[0] -eq 'ExTls.FleetFinding' }).Count | Should -BeGreaterThan 0
        $all | Export-Csv -LiteralPath $csv -NoTypeInformation
        $rows = @(Import-Csv -LiteralPath $csv)
        $fleet = @($rows | Where-Object Group)
        $fleet.Count | Should -BeGreaterThan 0
        $fleet[0].Servers | Should -Not -BeNullOrEmpty
        # the other way round too: a fleet finding first
        @($all | Sort-Object { $_.PSObject.TypeNames[0] -ne 'ExTls.FleetFinding' }) | Export-Csv -LiteralPath $csv -NoTypeInformation
        @(Import-Csv -LiteralPath $csv | Where-Object Server).Count | Should -Be @($all | Where-Object Server).Count
    }
}

Describe 'Default views fit 120 columns' {
    It '<_> prints no line longer than 120 and cuts no id' -ForEach @('Get-ExTlsFinding', 'Get-ExTlsServerState', 'Get-ExTlsInventory') {
        $objects = switch ($_) {
            'Get-ExTlsInventory' { @(Get-ExTlsInventory -Path $inventoryPath) }
            default { @(& $_ -InventoryPath $inventoryPath -Policy tls12-ready, legacy-off -ReferenceTime $referenceTime) }
        }
        $text = $objects | Out-String -Width 120
        $widest = ($text -split '\r?\n' | Measure-Object -Property Length -Maximum).Maximum
        $widest | Should -BeLessOrEqual 120
        $text | Should -Not -Match '…'
        if ($_ -eq 'Get-ExTlsFinding') {
            # ids and titles are wrapped, never cut: every id is there, read across the wrapped lines
            $flat = ($text -replace '\s+', '')
            foreach ($f in $objects | Where-Object { $_.PSObject.TypeNames[0] -eq 'ExTls.Finding' }) { $flat | Should -Match ([regex]::Escape($f.Id.Substring(0, [Math]::Min(20, $f.Id.Length)))) }
        }
        if ($_ -eq 'Get-ExTlsServerState') { $text | Should -Match 'MailFlow' }
    }
}

Describe 'Get-ExTlsInventory' {
    It 'reads a saved inventory back as the same typed objects, with CollectedAt' {
        $records = @(Get-ExTlsInventory -Path $inventoryPath)
        $records.Count | Should -Be $demoCount
        @($records.Server | Sort-Object) | Should -Be @($collected.Server | Sort-Object)
        foreach ($r in $records) {
            $r.PSObject.TypeNames[0] | Should -Be 'ExTls.InventoryRecord'
            $r.CollectedAt | Should -BeOfType [datetime]
            $r.InventoryPath | Should -Be $inventoryPath
        }
        ($records | Where-Object Server -eq 'EX08').Status | Should -Be 'Failed'
        ($records | Where-Object Server -eq 'EX01').ExchangeBuild | Should -BeOfType [version]
    }

    It 'takes files from Get-ChildItem and keeps reading after a file that is not an inventory' {
        $folder = Join-Path $TestDrive 'many'
        $null = New-Item -ItemType Directory -Path $folder
        Copy-Item -LiteralPath $inventoryPath -Destination (Join-Path $folder 'a.json')
        Set-Content -LiteralPath (Join-Path $folder 'b.json') -Value '{"not":"an inventory"}'
        Copy-Item -LiteralPath $inventoryPath -Destination (Join-Path $folder 'c.json')
        $records = @(Get-ChildItem -LiteralPath $folder -Filter '*.json' | Get-ExTlsInventory -ErrorVariable problems -ErrorAction SilentlyContinue)
        $records.Count | Should -Be (2 * $demoCount)
        @($problems).Count | Should -Be 1
        $problems[0].FullyQualifiedErrorId | Should -Be 'ExTls.InvalidInventory,Get-ExTlsInventory'
    }

    It 'pipes into Get-ExTlsFinding like freshly collected records' {
        $fromFile = @(Get-ExTlsFinding -InventoryPath $inventoryPath -ReferenceTime $referenceTime | Where-Object { $_.PSObject.Properties['Server'] } | ForEach-Object { "$($_.Server) $($_.Id)" })
        $fromObjects = @(Get-ExTlsInventory $inventoryPath | Get-ExTlsFinding -ReferenceTime $referenceTime | Where-Object { $_.PSObject.Properties['Server'] } | ForEach-Object { "$($_.Server) $($_.Id)" })
        $fromObjects | Should -Be $fromFile
    }
}

Describe 'Get-ExTlsServerState' {
    BeforeAll {
        $states = @(Get-ExTlsServerState -InventoryPath $inventoryPath -Policy tls12-ready, legacy-off -ReferenceTime $referenceTime)
    }

    It 'gives one row per server: verdicts, TLS 1.0-1.3 on both sides, .NET, WinHTTP, reboot and worst severity' {
        $states.Count | Should -Be $demoCount
        foreach ($s in $states) {
            $s.PSObject.TypeNames[0] | Should -Be 'ExTls.ServerState'
            foreach ($v in '10', '11', '12', '13') {
                foreach ($side in 'Client', 'Server') {
                    if ($s.Status -eq 'Ok') { $s."Tls$v$side" | Should -BeIn @('on', 'off', 'faulty', 'unknown') }
                }
            }
        }
        $ex01 = $states | Where-Object Server -eq 'EX01'
        $ex01.Verdicts | Should -Match '^tls12-ready: \w+; legacy-off: \w+$'
        $ex01.DotNetTls | Should -Not -BeNullOrEmpty
        $ex01.WinHttp | Should -Not -BeNullOrEmpty
        $ex01.WorstSeverityRank | Should -Be (@{ critical = 4; high = 3; medium = 2; low = 1; info = 0 }[$ex01.WorstSeverity])
        ($states | Where-Object Server -eq 'EX03').FailingConnectors | Should -Match 'Outbound to Office 365'
        ($states | Where-Object Server -eq 'EX01').FailingConnectors | Should -BeNullOrEmpty
        $ex08 = $states | Where-Object Server -eq 'EX08'
        $ex08.Status | Should -Be 'Failed'
        $ex08.Category | Should -Be 'unreachable'
        $ex08.Compliant | Should -BeFalse
    }

    It 'exports flat CSV and converts to JSON at the default depth' {
        ($states | ConvertTo-Csv -NoTypeInformation) -join "`n" | Should -Not -Match 'System\.Object\[\]|@\{'
        $null = $states | ConvertTo-Json -WarningVariable truncated -WarningAction SilentlyContinue
        @($truncated).Count | Should -Be 0
        $states[0].Raw.Analysis.server | Should -Be $states[0].Server
    }
}

Describe 'Get-ExTlsLegacyPeer' {
    It 'lists who still uses TLS 1.0 or 1.1, per server, direction and connector, from the protocol logs' {
        $peers = @(Get-ExTlsLegacyPeer -InventoryPath $inventoryPath)
        $peers.Count | Should -BeGreaterThan 0
        foreach ($p in $peers) {
            $p.PSObject.TypeNames[0] | Should -Be 'ExTls.LegacyPeer'
            $p.TlsVersion | Should -Not -BeIn @('TLS 1.2', 'TLS 1.3')
            $p.Sessions | Should -BeGreaterThan 0
        }
        $relay = $peers | Where-Object { $_.Server -eq 'EX03' -and $_.RemoteAddress -eq '10.1.2.3' }
        $relay.Direction | Should -Be 'receive'
        $relay.Connector | Should -Be 'EX03\App Relay EX03'
        $relay.TlsVersion | Should -Be 'TLS 1.1'
        $relay.LastSeen | Should -BeOfType [datetime]
    }

    It 'names each peer beside its address, and lists HTTPS clients from the IIS logs (Protocol HTTPS)' {
        $peers = @(Get-ExTlsLegacyPeer -InventoryPath $inventoryPath)
        $relay = $peers | Where-Object { $_.Server -eq 'EX03' -and $_.RemoteAddress -eq '10.1.2.3' }
        $relay.Protocol | Should -Be 'SMTP'
        $relay.RemoteName | Should -Be 'app01.contoso.com'
        $phone = @($peers | Where-Object { $_.Server -eq 'EX01' -and $_.Protocol -eq 'HTTPS' -and $_.TlsVersion -eq 'TLS 1.0' })
        $phone.Count | Should -Be 1
        $phone[0].RemoteAddress | Should -Be '203.0.113.140'
        $phone[0].RemoteName | Should -Be 'Apple-iPhone9C1/1602.92'
        $phone[0].Connector | Should -Be 'W3SVC1'
        $phone[0].Sessions | Should -BeGreaterThan 0
        $phone[0].LastSeen | Should -BeOfType [datetime]
        @($peers | Where-Object { $_.Server -eq 'EX01' -and $_.Protocol -eq 'HTTPS' -and $_.TlsVersion -eq 'TLS 1.2' }).Count | Should -Be 0
    }

    It 'gives the same peers for records piped in' {
        $a = @(Get-ExTlsLegacyPeer -InventoryPath $inventoryPath | ForEach-Object { "$($_.Server) $($_.RemoteAddress) $($_.TlsVersion)" })
        $b = @(Get-ExTlsInventory $inventoryPath | Get-ExTlsLegacyPeer | ForEach-Object { "$($_.Server) $($_.RemoteAddress) $($_.TlsVersion)" })
        $b | Should -Be $a
    }
}

Describe 'Compare-ExTlsInventory' {
    It 'shows what changed per server (builds, servers added or removed), through extls diff' {
        $after = Get-Content -LiteralPath $inventoryPath -Raw | ConvertFrom-Json
        $after.servers = @($after.servers | Where-Object server -ne 'EX02')
        ($after.servers | Where-Object server -eq 'EX03').data.exchange.build = '15.2.1748.10'
        $afterPath = Join-Path $TestDrive 'after.json'
        Set-Content -LiteralPath $afterPath -Value (ConvertTo-Json -InputObject $after -Depth 50) -Encoding UTF8
        $changes = @(Compare-ExTlsInventory -ReferencePath $inventoryPath -DifferencePath $afterPath -ReferenceTime $referenceTime)
        ($changes | Where-Object Server -eq 'EX02').Change | Should -Be 'removed'
        $build = $changes | Where-Object { $_.Server -eq 'EX03' -and $_.Item -eq 'Exchange build' }
        $build.Before | Should -Not -Be $build.After
        $build.After | Should -Be '15.2.1748.10'
        $changes[0].PSObject.TypeNames[0] | Should -Be 'ExTls.InventoryChange'
        @(Compare-ExTlsInventory $inventoryPath $inventoryPath -ReferenceTime $referenceTime).Count | Should -Be 0
        $same = @(Compare-ExTlsInventory $inventoryPath $inventoryPath -ReferenceTime $referenceTime -IncludeUnchanged)
        @($same | Where-Object Server -ne '(fleet)').Count | Should -Be $demoCount
        @($same | Where-Object Server -eq '(fleet)' | Where-Object State -ne 'unchanged').Count | Should -Be 0
    }

    It 'shows a weaker Office 365 connector and a renewed certificate, and counts per category' {
        $after = Get-Content -LiteralPath $inventoryPath -Raw | ConvertFrom-Json
        $config = ($after.servers | Where-Object server -eq 'EX03').data.exchangeConfig
        $connector = $config.sendConnectors | Where-Object name -eq 'Outbound to Office 365'
        $connector.requireTls = $false
        $connector.tlsAuthLevel = $null
        $certificate = @($config.certificates)[0]
        $oldThumbprint = $certificate.thumbprint
        $certificate.thumbprint = 'B' * 40
        $certificate.notAfter = '2031-11-28T12:00:00Z'
        $afterPath = Join-Path $TestDrive 'after-weaker.json'
        $diffPath = Join-Path $TestDrive 'diff.json'
        Set-Content -LiteralPath $afterPath -Value (ConvertTo-Json -InputObject $after -Depth 50) -Encoding UTF8
        $changes = @(Compare-ExTlsInventory $inventoryPath $afterPath -ReferenceTime $referenceTime -OutFile $diffPath | Where-Object Server -eq 'EX03')
        $weaker = $changes | Where-Object Item -eq 'Send connector Outbound to Office 365'
        $weaker.Category | Should -Be 'connector'
        $weaker.State | Should -Be 'changed'
        $weaker.Before | Should -Match 'RequireTLS True'
        $weaker.After | Should -Match 'RequireTLS False, TlsAuthLevel -'
        $renewed = $changes | Where-Object { $_.Category -eq 'certificate' -and $_.Kind -eq 'certificate' }
        @($renewed).Count | Should -Be 1
        $renewed.Before | Should -Match $oldThumbprint
        $renewed.After | Should -Match ('B' * 40)
        $summary = (Get-Content -LiteralPath $diffPath -Raw | ConvertFrom-Json).summary.byCategory
        $summary.connector.changed | Should -BeGreaterOrEqual 1
        $summary.certificate.changed | Should -Be 1
    }

    It 'fails with a clear error for a missing file' {
        { Compare-ExTlsInventory $inventoryPath (Join-Path $TestDrive 'nope.json') } | Should -Throw -ErrorId 'ExTls.InventoryNotFound,Compare-ExTlsInventory'
    }
}

Describe 'Readers refuse the wrong kind of file up front' {
    BeforeAll {
        $findingsPath = Join-Path $TestDrive 'findings.json'
        $null = Get-ExTlsFinding -InventoryPath $inventoryPath -ReferenceTime $referenceTime -OutFile $findingsPath
    }

    It 'Get-ExTlsLegacyPeer given a findings document says so instead of returning no peers' {
        $err = $null
        try { $null = Get-ExTlsLegacyPeer -InventoryPath $findingsPath } catch { $err = $_ }
        $err | Should -Not -BeNullOrEmpty
        $err.Exception.Message | Should -Match 'is a findings document; give an inventory'
    }

    It 'Get-ExTlsFinding and Get-ExTlsServerState given a findings document name it, without schema errors' {
        foreach ($command in 'Get-ExTlsFinding', 'Get-ExTlsServerState') {
            $err = $null
            try { $null = & $command -InventoryPath $findingsPath } catch { $err = $_ }
            $err | Should -Not -BeNullOrEmpty
            $err.Exception.Message | Should -Match ([regex]::Escape($findingsPath) + ' is a findings document; give an inventory')
            $err.Exception.Message | Should -Not -Match 'must have required property'
        }
    }

    It 'Get-ExTlsInventory reports the kind of each wrong file and reads the right ones' {
        $records = @(Get-ExTlsInventory -Path $findingsPath, $inventoryPath -ErrorVariable problems -ErrorAction SilentlyContinue)
        $records.Count | Should -Be $demoCount
        @($problems).Count | Should -Be 1
        $problems[0].Exception.Message | Should -Match 'is a findings document; give an inventory'
    }

    It 'Compare-ExTlsInventory and New-ExTlsRunbook -FindingsPath name the wrong kind' {
        { Compare-ExTlsInventory $inventoryPath $findingsPath } | Should -Throw -ExpectedMessage '*is a findings document; give an inventory*'
        { New-ExTlsRunbook -FindingsPath $inventoryPath -OutputPath (Join-Path $TestDrive 'rb') } | Should -Throw -ExpectedMessage '*is an inventory; give a findings document*'
    }
}

Describe 'Get-ExTlsPolicy' {
    It 'lists the built-in policies and reads policy files' {
        $policies = @(Get-ExTlsPolicy)
        $policies.Id | Should -Be @('legacy-off', 'tls12-ready')
        ($policies | Where-Object Id -eq 'tls12-ready').Phase | Should -Be 1
        (Get-ExTlsPolicy -Name 'legacy*').Id | Should -Be 'legacy-off'
        (Get-ExTlsPolicy -Path (Join-Path $repo 'policies/legacy-off.json')).Id | Should -Be 'legacy-off'
    }

    It 'completes -Policy with Tab on every command that takes it: <_>' -ForEach @('Get-ExTlsFinding', 'Get-ExTlsServerState', 'Compare-ExTlsInventory', 'New-ExTlsRunbook') {
        $line = "$_ -Policy "
        $completion = TabExpansion2 -inputScript $line -cursorColumn $line.Length
        @($completion.CompletionMatches.CompletionText) | Should -Be @('legacy-off', 'tls12-ready')
        $line = "$_ -Policy tls"
        @((TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches.CompletionText) | Should -Be @('tls12-ready')
    }
}
