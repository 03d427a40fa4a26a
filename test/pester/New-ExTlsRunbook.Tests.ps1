# New-ExTlsRunbook: -WhatIf writes nothing anywhere; otherwise it hands `extls runbooks` the inventory on stdin and
# the output folder, and returns the files written. The stand-in CLI (helpers/fake-extls.mjs) shows exactly what the
# module passes; the real `extls runbooks` renders from genuine collector output (test/findings/collector-output.base.json).
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot '../../ps/ExTls/ExTls.psd1') -Force
    Import-Module (Join-Path $PSScriptRoot 'helpers/TestHelpers.psm1') -Force
    $lines = @(
        '{"schemaVersion":1,"server":"EX01","address":"EX01","transport":"local","groups":{"dag":"DAG01","site":null,"role":"Mailbox"},"status":"failed","failure":{"category":"unreachable","message":"x"},"startedAt":"2026-01-15T10:00:00.000Z","durationMs":1,"data":null}'
        '{"schemaVersion":1,"server":"EX02","address":"EX02","transport":"local","groups":{"dag":"DAG01","site":null,"role":"Mailbox"},"status":"failed","failure":{"category":"timeout","message":"y"},"startedAt":"2026-01-15T10:00:00.000Z","durationMs":1,"data":null}'
    )
    $records = InModuleScope ExTls -Parameters @{ Lines = $lines } { param($Lines) foreach ($l in $Lines) { ConvertTo-ExTlsInventoryRecord -Line $l } }
    $inventoryPath = Join-Path $TestDrive 'inventory.json'
    [System.IO.File]::WriteAllText($inventoryPath, (InModuleScope ExTls -Parameters @{ Lines = $lines } { param($Lines) ConvertTo-ExTlsInventoryText -RecordJson $Lines -OkCount 0 -Source 'pester' }))
    $tempFolder = [System.IO.Path]::GetTempPath()
    function Get-TempInventoryFile { @(Get-ChildItem -LiteralPath $tempFolder -Filter 'extls-inventory-*.json' -ErrorAction SilentlyContinue | ForEach-Object FullName) }
    function Get-Snapshot([string] $Path) {
        @(Get-ChildItem -LiteralPath $Path -Recurse -Force | ForEach-Object { '{0}|{1}|{2}' -f $_.FullName, $_.LastWriteTimeUtc.Ticks, $(if ($_.PSIsContainer) { 'dir' } else { $_.Length }) } | Sort-Object)
    }
    $fakeCli = Join-Path $PSScriptRoot 'helpers/fake-extls.mjs'
}

AfterAll {
    Remove-Module ExTls, TestHelpers -ErrorAction SilentlyContinue
}

Describe 'New-ExTlsRunbook -WhatIf' {
    It 'creates no output folder and runs nothing for an inventory file' {
        $out = Join-Path $TestDrive 'whatif-new'
        $tempBefore = Get-TempInventoryFile
        $oldCli = $env:EXTLS_CLI
        try {
            # a CLI that would record any call: nothing may reach it
            $env:EXTLS_CLI = $fakeCli
            $env:EXTLS_FAKE_LOG = Join-Path $TestDrive 'whatif-log.json'
            $result = @(New-ExTlsRunbook -InventoryPath $inventoryPath -OutputPath $out -WhatIf)
        } finally {
            $env:EXTLS_CLI = $oldCli
            Remove-Item Env:EXTLS_FAKE_LOG -ErrorAction SilentlyContinue
        }
        $result.Count | Should -Be 0
        Test-Path -LiteralPath $out | Should -BeFalse
        Test-Path -LiteralPath (Join-Path $TestDrive 'whatif-log.json') | Should -BeFalse
        Get-TempInventoryFile | Should -Be $tempBefore
    }

    It 'leaves an existing output folder exactly as it was for piped records (no temp files there or in temp)' {
        $out = Join-Path $TestDrive 'whatif-existing'
        $null = New-Item -ItemType Directory -Path (Join-Path $out 'EX01')
        Set-Content -LiteralPath (Join-Path $out 'EX01/runbook.md') -Value 'earlier run'
        $before = Get-Snapshot $out
        $tempBefore = Get-TempInventoryFile
        $records | New-ExTlsRunbook -OutputPath $out -WhatIf
        Get-Snapshot $out | Should -Be $before
        Get-Content -LiteralPath (Join-Path $out 'EX01/runbook.md') | Should -Be 'earlier run'
        Get-TempInventoryFile | Should -Be $tempBefore
    }

    It 'declares ConfirmImpact Medium and supports -WhatIf/-Confirm' {
        $command = Get-Command New-ExTlsRunbook
        $command.Parameters.Keys | Should -Contain 'WhatIf'
        $command.Parameters.Keys | Should -Contain 'Confirm'
        $attribute = $command.ScriptBlock.Attributes | Where-Object { $_ -is [System.Management.Automation.CmdletBindingAttribute] }
        $attribute.ConfirmImpact | Should -Be ([System.Management.Automation.ConfirmImpact]::Medium)
    }
}

Describe 'New-ExTlsRunbook with the stand-in CLI' {
    BeforeAll {
        $oldCli = $env:EXTLS_CLI
        $env:EXTLS_CLI = $fakeCli
        $env:EXTLS_FAKE_LOG = Join-Path $TestDrive 'runbooks-log.json'
    }
    AfterAll {
        $env:EXTLS_CLI = $oldCli
        Remove-Item Env:EXTLS_FAKE_LOG -ErrorAction SilentlyContinue
    }

    It 'hands piped records over on stdin (no temporary file anywhere) and returns the files' {
        $out = Join-Path $TestDrive 'from-pipe'
        $tempBefore = Get-TempInventoryFile
        $files = @($records | New-ExTlsRunbook -OutputPath $out -Policy legacy-off -WaveSize 2 -Confirm:$false)

        $log = Get-Content -LiteralPath $env:EXTLS_FAKE_LOG -Raw | ConvertFrom-Json
        $log.argv | Should -Be @('runbooks', "--out=$out", '--policy=legacy-off', '--wave-size=2', '--format=json', '--progress=json', '--', '-')
        @(($log.stdin | ConvertFrom-Json).servers.server) | Should -Be @('EX01', 'EX02')
        Get-TempInventoryFile | Should -Be $tempBefore

        @($files | ForEach-Object { $_.PSObject.TypeNames[0] } | Select-Object -Unique) | Should -Be @('ExTls.RunbookFile')
        @($files | Where-Object Name -eq 'runbook.md' | ForEach-Object Server) | Should -Be @('EX01', 'EX02')
        ($files | Where-Object Name -eq 'report.html').Server | Should -BeNullOrEmpty
    }

    It 'reads an inventory file given by a relative path and resolves the output folder' {
        $out = Join-Path $TestDrive 'from-file'
        Push-Location -LiteralPath $TestDrive
        try {
            $files = @(New-ExTlsRunbook -InventoryPath 'inventory.json' -OutputPath 'from-file' -Confirm:$false)
        } finally { Pop-Location }
        $log = Get-Content -LiteralPath $env:EXTLS_FAKE_LOG -Raw | ConvertFrom-Json
        $log.argv | Should -Be @('runbooks', "--out=$out", '--format=json', '--progress=json', '--', '-')
        $log.stdin | Should -Be ([System.IO.File]::ReadAllText($inventoryPath))
        $files.Count | Should -Be 3
    }

    It 'returns only the files this run wrote, never older files in the folder' {
        $out = Join-Path $TestDrive 'with-old-files'
        $null = New-Item -ItemType Directory -Path (Join-Path $out 'OLD01') -Force
        Set-Content -LiteralPath (Join-Path $out 'OLD01/runbook.md') -Value 'from last month'
        $files = @($records | New-ExTlsRunbook -OutputPath $out -Confirm:$false)
        @($files | ForEach-Object Server | Where-Object { $_ }) | Should -Not -Contain 'OLD01'
        $files.Count | Should -Be 3
    }

    It 'hands -ProbePath and -FindingsPath over as --probes and --findings (full paths)' {
        $out = Join-Path $TestDrive 'with-probes'
        $null = New-ExTlsRunbook -InventoryPath $inventoryPath -OutputPath $out -ProbePath 'probes.json' -FindingsPath 'findings.json' -Confirm:$false
        $log = Get-Content -LiteralPath $env:EXTLS_FAKE_LOG -Raw | ConvertFrom-Json
        $here = (Get-Location).ProviderPath
        $log.argv | Should -Contain ('--probes=' + (Join-Path $here 'probes.json'))
        $log.argv | Should -Contain ('--findings=' + (Join-Path $here 'findings.json'))
    }

    It 'turns a failed render (exit code 1) into a terminating error with the CLI message' {
        $env:EXTLS_FAKE_EXIT = '1'
        try {
            { New-ExTlsRunbook -InventoryPath $inventoryPath -OutputPath (Join-Path $TestDrive 'failing') -Confirm:$false } |
                Should -Throw -ErrorId 'ExTls.CliFailed,New-ExTlsRunbook' -ExpectedMessage '*forced failure for runbooks*'
        } finally {
            Remove-Item Env:EXTLS_FAKE_EXIT
        }
    }
}

Describe 'New-ExTlsRunbook with the real extls runbooks' {
    BeforeAll {
        $repo = Get-TestRepoRoot
        $data = ([System.IO.File]::ReadAllText((Join-Path $repo 'test/findings/collector-output.base.json'))) -replace '[\r\n]+', ''
        $okLine = '{"schemaVersion":1,"server":"EX01","address":"ex01.contoso.com","transport":"local","groups":{"dag":"DAG01","site":"Amsterdam","role":"Mailbox"},"status":"ok","failure":null,"startedAt":"2026-01-15T10:00:00.000Z","durationMs":900,"data":' + $data + '}'
        $realRecords = @(InModuleScope ExTls -Parameters @{ Lines = @($okLine, $lines[1]) } { param($Lines) foreach ($l in $Lines) { ConvertTo-ExTlsInventoryRecord -Line $l } })
    }

    It 'writes nothing with -WhatIf' {
        $out = Join-Path $TestDrive 'real-whatif'
        $realRecords | New-ExTlsRunbook -OutputPath $out -WhatIf
        Test-Path -LiteralPath $out | Should -BeFalse
    }

    It 'writes the runbook, remediation and rollback scripts per server and the fleet report' {
        $out = Join-Path $TestDrive 'real'
        $files = @($realRecords | New-ExTlsRunbook -OutputPath $out -Confirm:$false -WarningVariable warnings -WarningAction SilentlyContinue)
        $ex01 = @($files | Where-Object Server -eq 'EX01' | ForEach-Object Name)
        $ex01 | Should -Contain 'runbook.md'
        $ex01 | Should -Contain 'remediate.ps1'
        $ex01 | Should -Contain 'rollback.ps1'
        @($files | Where-Object { -not $_.Server } | ForEach-Object Name) | Should -Contain 'report.html'
        # EX02 was not collected: no runbook, a warning, and the report says so
        @($files | Where-Object Server -eq 'EX02').Count | Should -Be 0
        @($warnings).Count | Should -BeGreaterThan 0
    }
}
