# Write-Progress and -Verbose driven by the CLI's progress events (`--progress json`, schemas/progress-event.schema.json),
# never by its stderr prose: the total and percent from the first call, also for -FleetFile runs whose size only the
# CLI knows (the module reads no YAML). Write-Progress is mocked inside the module (Pester 5: Mock -ModuleName) and
# every call recorded in order.
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot '../../ps/ExTls/ExTls.psd1') -Force
    Import-Module (Join-Path $PSScriptRoot 'helpers/TestHelpers.psm1') -Force
    $repo = Get-TestRepoRoot
    $progressCalls = New-Object System.Collections.Generic.List[object]
    Mock Write-Progress -ModuleName ExTls -MockWith {
        $progressCalls.Add([pscustomobject]@{ Activity = $Activity; Status = $Status; PercentComplete = $PercentComplete; CurrentOperation = $CurrentOperation; Completed = [bool]$Completed })
    }
    function Split-Verbose {
        # the objects of a `4>&1` run, and its verbose messages
        param([object[]] $Stream)
        [pscustomobject]@{
            Objects = @($Stream | Where-Object { $_ -isnot [System.Management.Automation.VerboseRecord] })
            Verbose = @($Stream | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] } | ForEach-Object Message)
        }
    }
}

AfterAll {
    Remove-Module ExTls, TestHelpers -ErrorAction SilentlyContinue
}

Describe 'Invoke-ExTlsInventory -FleetFile on the demo fleet' {
    BeforeAll {
        $progressCalls.Clear()
        $inventoryPath = Join-Path $TestDrive 'inventory.json'
        $run = Split-Verbose @(Invoke-ExTlsInventory -FleetFile (Join-Path $repo 'examples/demo/fleet.yaml') -OutFile $inventoryPath -ErrorAction SilentlyContinue -Verbose 4>&1)
        $calls = @($progressCalls.ToArray())
        # the demo's size from its fleet file (servers are added to the demo as causes are)
        $n = @(Select-String -LiteralPath (Join-Path $repo 'examples/demo/fleet.yaml') -Pattern '^\s+- name: ').Count
    }

    It 'shows the total and percent from the first Write-Progress call' {
        $run.Objects.Count | Should -Be $n
        $calls[0].Activity | Should -Be 'extls inventory'
        $calls[0].Status | Should -Be ('0 of {0} servers' -f $n)
        $calls[0].PercentComplete | Should -Be 0
        $calls[0].Completed | Should -BeFalse
    }

    It 'moves once per server with the total, the percent and the current server, and completes' {
        $moving = @($calls | Select-Object -Skip 1 | Where-Object { -not $_.Completed })
        $moving.Count | Should -Be $n
        for ($i = 0; $i -lt $n; $i++) {
            $moving[$i].Status | Should -Match ('^{0} of {1} servers' -f ($i + 1), $n)
            $moving[$i].PercentComplete | Should -Be ([int](100 * ($i + 1) / $n))
        }
        @($moving | ForEach-Object { ($_.CurrentOperation -split ' ')[0] } | Sort-Object) | Should -Be @($run.Objects.Server | Sort-Object)
        ($moving | Where-Object CurrentOperation -like 'EX08 *').CurrentOperation | Should -Be 'EX08 failed'
        ($moving | Where-Object CurrentOperation -like 'EX01 *').CurrentOperation | Should -Be 'EX01 ok'
        $calls[-1].Completed | Should -BeTrue
    }

    It 'says per server with -Verbose what happened, with its time' {
        foreach ($server in $run.Objects.Server) {
            @($run.Verbose | Where-Object { $_ -like "${server}: *" }).Count | Should -Be 1
        }
        $run.Verbose | Should -Contain ($run.Verbose | Where-Object { $_ -match '^EX08: failed: unreachable: .* \(\d+\.\d s\)$' })
        $run.Verbose -match '^EX01: ok \(\d+\.\d s\)$' | Should -Not -BeNullOrEmpty
        # no raw event reaches the user
        $run.Verbose -match '"event"' | Should -BeNullOrEmpty
    }

    It 'New-ExTlsRunbook shows its total from the first call too' {
        $progressCalls.Clear()
        $null = New-ExTlsRunbook -InventoryPath $inventoryPath -OutputPath (Join-Path $TestDrive 'runbooks') -WarningAction SilentlyContinue
        $runbookCalls = @($progressCalls.ToArray())
        $runbookCalls[0].Activity | Should -Be 'extls runbooks'
        $runbookCalls[0].Status | Should -Match '^0 of \d+ runbooks$'
        $runbookCalls[0].PercentComplete | Should -Be 0
        $runbookCalls[-2].PercentComplete | Should -Be 100
        $runbookCalls[-1].Completed | Should -BeTrue
    }
}

Describe 'Test-ExTlsSmtpTls -FleetFile' {
    BeforeAll {
        $smtp = Start-TestHelperServer -Name 'smtp-server'
    }
    AfterAll {
        Stop-TestHelperServer $smtp
    }

    It 'shows the total the CLI found in the fleet file from the first Write-Progress call' {
        $progressCalls.Clear()
        $fleetFile = Join-Path $TestDrive 'fleet.yaml'
        Set-Content -LiteralPath $fleetFile -Encoding UTF8 -Value @(
            'servers:'
            '  - { name: EX01, address: 127.0.0.1 }'
            '  - { name: EX02, address: localhost }'
        )
        $results = @(Test-ExTlsSmtpTls -FleetFile $fleetFile -Port $smtp.Port -StepTimeoutSeconds 5)
        $results.Count | Should -Be 2
        $calls = @($progressCalls.ToArray())
        $calls[0].Activity | Should -Be 'extls probe'
        $calls[0].Status | Should -Be '0 of 2 endpoints'
        $calls[0].PercentComplete | Should -Be 0
        @($calls | Where-Object { $_.PercentComplete -eq 100 }).Count | Should -Be 1
        $calls[-1].Completed | Should -BeTrue
    }
}

Describe 'progress events from a stand-in CLI' {
    BeforeAll {
        $oldCli = $env:EXTLS_CLI
        $env:EXTLS_CLI = Join-Path $PSScriptRoot 'helpers/fake-extls.mjs'
    }
    AfterAll {
        $env:EXTLS_CLI = $oldCli
        Remove-Item Env:EXTLS_FAKE_WARN, Env:EXTLS_FAKE_EXIT -ErrorAction SilentlyContinue
    }

    It 'turns a warn event of the inventory (a record left out) into a warning, not a verbose line' {
        $env:EXTLS_FAKE_WARN = 'folder: EX02 and ex02 are one server; this record was left out'
        try {
            $records = @('EX01', 'EX02' | Invoke-ExTlsInventory -WarningVariable warned -WarningAction SilentlyContinue)
        } finally {
            Remove-Item Env:EXTLS_FAKE_WARN
        }
        $records.Count | Should -Be 2
        @($warned).Count | Should -Be 1
        "$($warned[0])" | Should -Be 'folder: EX02 and ex02 are one server; this record was left out'
    }

    It 'keeps a stderr line that is no event as the message of a failed run' {
        $env:EXTLS_FAKE_EXIT = '1'
        try {
            { 'EX01' | Invoke-ExTlsInventory } | Should -Throw -ErrorId 'ExTls.CliFailed,Invoke-ExTlsInventory' -ExpectedMessage '*forced failure for inventory*'
        } finally {
            Remove-Item Env:EXTLS_FAKE_EXIT
        }
    }
}
