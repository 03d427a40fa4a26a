# Get-ExTlsFinding with the real `extls analyze`: inventories built from genuine collector output
# (test/findings/collector-output.base.json: server-ok.reg collected by dist/ExTlsCollector.ps1) plus a failed server.
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot '../../ps/ExTls/ExTls.psd1') -Force
    Import-Module (Join-Path $PSScriptRoot 'helpers/TestHelpers.psm1') -Force
    $repo = Get-TestRepoRoot
    # JSON whitespace between tokens means nothing and line breaks inside strings are escaped: one line is safe.
    $data = ([System.IO.File]::ReadAllText((Join-Path $repo 'test/findings/collector-output.base.json'))) -replace '[\r\n]+', ''
    $okLine = '{"schemaVersion":1,"server":"EX01","address":"ex01.contoso.com","transport":"local","groups":{"dag":"DAG01","site":"Amsterdam","role":"Mailbox"},"status":"ok","failure":null,"startedAt":"2026-01-15T10:00:00.000Z","durationMs":900,"data":' + $data + '}'
    $failedLine = '{"schemaVersion":1,"server":"EX08","address":"127.0.0.1","transport":"winrm","groups":{"dag":null,"site":"Utrecht","role":null},"status":"failed","failure":{"category":"unreachable","message":"cannot connect to 127.0.0.1:9: Connection refused"},"startedAt":"2026-01-15T10:00:00.000Z","durationMs":12,"data":null}'
    $inventoryPath = Join-Path $TestDrive 'inventory.json'
    $inventory = InModuleScope ExTls -Parameters @{ Lines = @($okLine, $failedLine) } {
        param($Lines)
        ConvertTo-ExTlsInventoryText -RecordJson $Lines -OkCount 1 -Source 'pester'
    }
    [System.IO.File]::WriteAllText($inventoryPath, $inventory)
    $records = InModuleScope ExTls -Parameters @{ Lines = @($okLine, $failedLine) } {
        param($Lines)
        foreach ($l in $Lines) { ConvertTo-ExTlsInventoryRecord -Line $l }
    }
    $referenceTime = [datetime]::new(2026, 1, 15, 12, 0, 0, [System.DateTimeKind]::Utc)
}

AfterAll {
    Remove-Module ExTls, TestHelpers -ErrorAction SilentlyContinue
}

Describe 'Get-ExTlsFinding' {
    It 'returns typed findings for every server of an inventory file' {
        $findings = @(Get-ExTlsFinding -InventoryPath $inventoryPath -ReferenceTime $referenceTime)
        $findings.Count | Should -BeGreaterThan 1
        foreach ($f in $findings) {
            $f.PSObject.TypeNames[0] | Should -Be 'ExTls.Finding'
            $f.Server | Should -BeIn @('EX01', 'EX08')
            $f.Severity | Should -BeIn @('critical', 'high', 'medium', 'low', 'info')
            $f.Id | Should -Match '^[A-Z0-9-]+$'
            $f.Title | Should -Not -BeNullOrEmpty
        }
        $ex01 = @($findings | Where-Object Server -eq 'EX01')
        $ex01.Id | Should -Contain 'NET4-STRONGCRYPTO-MISSING'
        ($ex01 | Where-Object Id -eq 'NET4-STRONGCRYPTO-MISSING').ChangeCount | Should -BeGreaterThan 0
        ($ex01 | Where-Object Id -eq 'NET4-STRONGCRYPTO-MISSING').Changes | Should -Match 'SchUseStrongCrypto: missing -> 1'
        ($ex01 | Where-Object Id -eq 'NET4-STRONGCRYPTO-MISSING').Dag | Should -Be 'DAG01'
        $ex08 = @($findings | Where-Object Server -eq 'EX08')
        $ex08.Id | Should -Be @('COLLECTION-FAILED')
    }

    It 'gives the same findings for Invoke-ExTlsInventory objects piped in' {
        $fromFile = @(Get-ExTlsFinding -InventoryPath $inventoryPath -ReferenceTime $referenceTime | ForEach-Object { "$($_.Server) $($_.Id)" })
        $fromPipe = @($records | Get-ExTlsFinding -ReferenceTime $referenceTime | ForEach-Object { "$($_.Server) $($_.Id)" })
        $fromPipe | Should -Be $fromFile
    }

    It 'accepts the servers of an inventory.json read with ConvertFrom-Json' {
        $servers = (Get-Content -LiteralPath $inventoryPath -Raw | ConvertFrom-Json).servers
        $ids = @($servers | Get-ExTlsFinding -ReferenceTime $referenceTime | Where-Object Server -eq 'EX01' | ForEach-Object Id)
        $ids | Should -Contain 'NET4-STRONGCRYPTO-MISSING'
    }

    It 'filters by severity' {
        $high = @(Get-ExTlsFinding -InventoryPath $inventoryPath -Severity high -ReferenceTime $referenceTime)
        $high.Count | Should -BeGreaterThan 0
        @($high | Where-Object Severity -ne 'high').Count | Should -Be 0
    }

    It 'judges against a named policy and a policy file given by path' {
        $byName = @(Get-ExTlsFinding -InventoryPath $inventoryPath -Policy legacy-off -ReferenceTime $referenceTime)
        @($byName | ForEach-Object { $_.Policies -split ', ' } | Select-Object -Unique) | Should -Contain 'legacy-off'
        Push-Location -LiteralPath $repo
        try {
            $byFile = @(Get-ExTlsFinding -InventoryPath $inventoryPath -Policy 'policies/legacy-off.json' -ReferenceTime $referenceTime)
        } finally { Pop-Location }
        @($byFile | ForEach-Object { "$($_.Server) $($_.Id)" }) | Should -Be @($byName | ForEach-Object { "$($_.Server) $($_.Id)" })
    }

    It 'reports an invalid record as a non-terminating error and still judges the others' {
        $bad = [pscustomobject]@{ schemaVersion = 1; server = 'BROKEN'; status = 'ok' }
        $findings = @(@($records) + $bad | Get-ExTlsFinding -ReferenceTime $referenceTime -ErrorVariable problems -ErrorAction SilentlyContinue)
        @($findings.Server | Select-Object -Unique) | Should -Be @('EX01', 'EX08')
        @($problems).Count | Should -Be 1
        $problems[0].TargetObject | Should -Be 'BROKEN'
        $problems[0].FullyQualifiedErrorId | Should -Be 'ExTls.InvalidRecord,Get-ExTlsFinding'
        $problems[0].CategoryInfo.Category | Should -Be ([System.Management.Automation.ErrorCategory]::InvalidData)
        { $bad | Get-ExTlsFinding -EnableException } | Should -Throw -ErrorId 'ExTls.InvalidRecord,Get-ExTlsFinding'
    }

    It 'fails with a terminating error for a file that is not an inventory' {
        $notJson = Join-Path $TestDrive 'not.json'
        Set-Content -LiteralPath $notJson -Value 'this is not JSON'
        { Get-ExTlsFinding -InventoryPath $notJson } | Should -Throw -ErrorId 'ExTls.CliFailed,Get-ExTlsFinding'
        { Get-ExTlsFinding -InventoryPath (Join-Path $TestDrive 'missing.json') } | Should -Throw -ErrorId 'ExTls.InvalidInput,Get-ExTlsFinding'
    }

    It 'shows Server, Severity, Id and Title by default' {
        $text = Get-ExTlsFinding -InventoryPath $inventoryPath -ReferenceTime $referenceTime | Select-Object -First 1 | Out-String -Width 200
        $text | Should -Match 'Server\s+Severity\s+Id\s+Title'
        $text | Should -Not -Match 'Explanation'
    }
}

Describe 'Get-ExTlsFinding: values that compare and sort right' {
    BeforeAll {
        # EX02: the same server on another Exchange build in the same DAG, so the fleet check has something to say
        $ex02 = $okLine | ConvertFrom-Json
        $ex02.server = 'EX02'
        $ex02.data.exchange.build = '15.2.1258.12'
        $driftLines = @($okLine, (ConvertTo-Json -InputObject $ex02 -Depth 50 -Compress), $failedLine)
        $driftPath = Join-Path $TestDrive 'drift.json'
        [System.IO.File]::WriteAllText($driftPath, (InModuleScope ExTls -Parameters @{ Lines = $driftLines } { param($Lines) ConvertTo-ExTlsInventoryText -RecordJson $Lines -OkCount 2 -Source 'pester' }))
        $all = @(Get-ExTlsFinding -InventoryPath $driftPath -ReferenceTime $referenceTime)
    }

    It 'ranks severity critical 4 > high 3 > medium 2 > low 1 > info 0, so Sort-Object puts critical first' {
        foreach ($f in $all) {
            $f.SeverityRank | Should -Be (@{ critical = 4; high = 3; medium = 2; low = 1; info = 0 }[$f.Severity])
        }
        $sorted = @($all | Sort-Object SeverityRank -Descending)
        for ($i = 1; $i -lt $sorted.Count; $i++) { $sorted[$i - 1].SeverityRank | Should -BeGreaterOrEqual $sorted[$i].SeverityRank }
        @($all | Where-Object SeverityRank -ge 3).Count | Should -Be @($all | Where-Object { $_.Severity -in 'critical', 'high' }).Count
    }

    It 'gives fleet findings their own type with a Group, not a made-up server name' {
        $fleet = @($all | Where-Object { $_.PSObject.TypeNames[0] -eq 'ExTls.FleetFinding' })
        $fleet.Count | Should -BeGreaterThan 0
        $mixed = $fleet | Where-Object Id -eq 'FLEET-DAG-MIXED-BUILDS'
        $mixed.Group | Should -Be 'DAG DAG01'
        $mixed.GroupKind | Should -Be 'dag'
        $mixed.GroupName | Should -Be 'DAG01'
        $mixed.Servers | Should -Be 'EX01, EX02'
        $mixed.Differences | Should -Match 'CU13: EX02'
        $mixed.Server | Should -BeNullOrEmpty -Because 'no made-up server name'
        @($all | Where-Object { $_.PSObject.Properties['Server'] } | ForEach-Object Server | Select-Object -Unique | Sort-Object) | Should -Be @('EX01', 'EX02', 'EX08')
    }

    It 'exports flat, readable CSV and converts to JSON at the default depth, for both types' {
        foreach ($type in 'ExTls.Finding', 'ExTls.FleetFinding') {
            $objects = @($all | Where-Object { $_.PSObject.TypeNames[0] -eq $type })
            $csv = ($objects | ConvertTo-Csv -NoTypeInformation) -join "`n"
            $csv | Should -Not -Match 'System\.Object\[\]|@\{|System\.Management'
            $json = $objects | ConvertTo-Json -WarningVariable truncated -WarningAction SilentlyContinue
            @($truncated).Count | Should -Be 0 -Because "$type converts whole at depth 2"
            $back = @($json | ConvertFrom-Json)
            $back[0].Id | Should -Be $objects[0].Id
            $objects[0].Raw.Finding.id | Should -Be $objects[0].Id
        }
        $changes = ($all | Where-Object Id -eq 'NET4-STRONGCRYPTO-MISSING' | Select-Object -First 1 | ConvertTo-Csv -NoTypeInformation | ConvertFrom-Csv).Changes
        $changes | Should -Match 'SchUseStrongCrypto: missing -> 1'
        ($all | Where-Object Id -eq 'NET4-STRONGCRYPTO-MISSING' | Select-Object -First 1 | ConvertTo-Csv -NoTypeInformation | ConvertFrom-Csv).RestartRequired | Should -BeIn @('True', 'False')
    }
}
