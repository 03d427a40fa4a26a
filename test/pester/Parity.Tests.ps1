# Parity with the CLI: every option of `extls <command> --help` that an admin needs has its parameter, handed to the
# CLI as one argv element. Real CLI for what it decides (stale, duplicate, merge, findings, probes); the stand-in CLI
# (helpers/fake-extls.mjs) where only the command line matters.
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot '../../ps/ExTls/ExTls.psd1') -Force
    Import-Module (Join-Path $PSScriptRoot 'helpers/TestHelpers.psm1') -Force
    $repo = Get-TestRepoRoot
    $reg = Join-Path $repo 'test/fixtures/inventory/server-ok.reg'
    $collectorText = [System.IO.File]::ReadAllText((Join-Path $repo 'test/fixtures/inventory/collector-output-ex01.json'))
    function New-DropFile {
        # a collector file of server $Name that reported $AgeDays ago, as its scheduled task leaves it on the share
        param([string] $Folder, [string] $Name, [double] $AgeDays = 0, [string] $FileName = "$Name.json")
        $startedAt = [datetime]::UtcNow.AddDays(-$AgeDays).ToString('yyyy-MM-ddTHH:mm:ss.fffZ', [Globalization.CultureInfo]::InvariantCulture)
        $text = $collectorText.Replace('"computerName":"EX01"', '"computerName":"' + $Name + '"')
        $text = [regex]::Replace($text, '"startedAt":"[^"]*"', '"startedAt":"' + $startedAt + '"')
        [System.IO.File]::WriteAllText((Join-Path $Folder $FileName), $text)
    }
    $drops = Join-Path $TestDrive 'drops'
    $null = New-Item -ItemType Directory -Path $drops
    New-DropFile -Folder $drops -Name EX01
    New-DropFile -Folder $drops -Name EX02 -AgeDays 10
}

AfterAll {
    Remove-Module ExTls, TestHelpers -ErrorAction SilentlyContinue
}

Describe 'Invoke-ExTlsInventory: drop folders (extls inventory --from, --stale-after)' {
    It '-CollectorOutputPath alone binds without asking for -ComputerName; a 10-day-old report is stale by default' {
        $records = @(Invoke-ExTlsInventory -CollectorOutputPath $drops -WarningVariable problems -WarningAction SilentlyContinue)
        @($records.Server | Sort-Object) | Should -Be @('EX01', 'EX02')
        ($records | Where-Object Server -eq 'EX01').Status | Should -Be 'Ok'
        ($records | Where-Object Server -eq 'EX02').Category | Should -Be 'stale'
        [string]$problems[0] | Should -Match '^EX02: stale: '
    }

    It '-StaleAfter moves the limit, and [timespan]::Zero turns it off' {
        @(Invoke-ExTlsInventory -CollectorOutputPath $drops -StaleAfter (New-TimeSpan -Days 30)).Status | Should -Be @('Ok', 'Ok')
        @(Invoke-ExTlsInventory -CollectorOutputPath $drops -StaleAfter ([timespan]::Zero)).Status | Should -Be @('Ok', 'Ok')
        $stale = @(Invoke-ExTlsInventory -CollectorOutputPath $drops -StaleAfter (New-TimeSpan -Hours 36) -ErrorAction SilentlyContinue | Where-Object Category -eq 'stale')
        $stale.Server | Should -Be 'EX02'
        $stale.Message | Should -Match 'older than 2160m'
    }

    It 'refuses -StaleAfter without a folder, and an age under a minute, before anything runs' {
        { Invoke-ExTlsInventory -FleetFile (Join-Path $repo 'examples/demo/fleet.yaml') -StaleAfter (New-TimeSpan -Days 1) } | Should -Throw -ErrorId 'ExTls.StaleAfterWithoutCollectorOutputPath,Invoke-ExTlsInventory'
        { Invoke-ExTlsInventory -CollectorOutputPath $drops -StaleAfter (New-TimeSpan -Seconds 5) } | Should -Throw -ErrorId 'ParameterArgumentValidationError,Invoke-ExTlsInventory'
    }

    It 'merges a fleet file with the folder: transport file servers from it with the fleet''s site, one live, one claimed twice' {
        $fleetFile = Join-Path $TestDrive 'fleet.json'
        $fleet = [ordered]@{
            defaults = [ordered]@{ transport = 'local'; collector = @{ scanLogs = $false } }
            servers  = @(
                [ordered]@{ name = 'EX01'; transport = 'file'; site = 'Amsterdam' }
                [ordered]@{ name = 'EX02'; collector = @{ registryExports = @($reg) } }
                [ordered]@{ name = 'EX09'; collector = @{ registryExports = @($reg) } }
            )
        }
        Set-Content -LiteralPath $fleetFile -Value (ConvertTo-Json -InputObject $fleet -Depth 10) -Encoding UTF8
        $inventoryPath = Join-Path $TestDrive 'merged.json'
        $records = @(Invoke-ExTlsInventory -FleetFile $fleetFile -CollectorOutputPath $drops -OutFile $inventoryPath -ErrorAction SilentlyContinue)
        @($records.Server | Sort-Object) | Should -Be @('EX01', 'EX02', 'EX09')
        $ex01 = $records | Where-Object Server -eq 'EX01'
        $ex01.Status | Should -Be 'Ok'
        $ex01.Site | Should -Be 'Amsterdam'
        $ex01.Transport | Should -Be 'file'
        ($records | Where-Object Server -eq 'EX09').Transport | Should -Be 'local'
        $ex02 = $records | Where-Object Server -eq 'EX02'
        $ex02.Category | Should -Be 'duplicate'
        $ex02.Message | Should -Match 'claimed twice'
        (Get-Content -LiteralPath $inventoryPath -Raw | ConvertFrom-Json).source | Should -Be "$fleetFile + $drops"
    }

    It 'a drop folder with two files of one server gives one failed duplicate record naming both files' {
        $dup = Join-Path $TestDrive 'dup'
        $null = New-Item -ItemType Directory -Path $dup
        New-DropFile -Folder $dup -Name EX03
        New-DropFile -Folder $dup -Name EX03 -FileName 'EX03-copy.json'
        $records = @(Invoke-ExTlsInventory -CollectorOutputPath $dup -ErrorAction SilentlyContinue)
        $records.Count | Should -Be 1
        $records[0].Category | Should -Be 'duplicate'
        $records[0].Message | Should -Match 'EX03-copy\.json, EX03\.json|EX03\.json, EX03-copy\.json'
    }
}

Describe 'command lines (stand-in CLI)' {
    BeforeAll {
        $oldCli = $env:EXTLS_CLI
        $env:EXTLS_CLI = Join-Path $PSScriptRoot 'helpers/fake-extls.mjs'
        $env:EXTLS_FAKE_LOG = Join-Path $TestDrive 'fake.json'
        $readLog = { (Get-Content -LiteralPath $env:EXTLS_FAKE_LOG -Raw | ConvertFrom-Json) }
    }
    AfterAll {
        $env:EXTLS_CLI = $oldCli
        Remove-Item Env:EXTLS_FAKE_LOG -ErrorAction SilentlyContinue
    }

    It 'a fleet merged with a drop folder: --fleet - then --from and --stale-after (in minutes) and --pwsh as full paths' {
        $fleetFile = Join-Path $TestDrive 'fake-fleet.json'
        Set-Content -LiteralPath $fleetFile -Value '{"servers":[{"name":"EX01"}]}' -Encoding UTF8
        $null = Invoke-ExTlsInventory -FleetFile $fleetFile -CollectorOutputPath $drops -StaleAfter ([timespan]::FromHours(1.5)) -PowerShellPath 'tools/pwsh'
        $argv = @((& $readLog).argv)
        $argv[0..2] | Should -Be @('inventory', '--fleet', '-')
        $argv | Should -Contain "--from=$drops"
        $argv | Should -Contain '--stale-after=90m'
        $argv | Should -Contain ('--pwsh=' + (Join-Path (Get-Location).ProviderPath 'tools/pwsh'))
    }

    It 'Test-ExTlsSmtpTls hands over -StepTimeoutSeconds (alias -TimeoutSeconds) and -SuiteTimeSeconds' {
        { Test-ExTlsSmtpTls -ComputerName mx.contoso.com -SuiteTimeSeconds 5 } | Should -Throw -ErrorId 'ExTls.SuiteTimeWithoutAsExchangeOnline,Test-ExTlsSmtpTls'
        try { $null = Test-ExTlsSmtpTls -ComputerName mx.contoso.com -TimeoutSeconds 4 -AsExchangeOnline -SuiteTimeSeconds 5 -ErrorAction SilentlyContinue } catch { $null = $_ }
        $argv = @((& $readLog).argv)
        $argv | Should -Contain '--step-timeout=4'
        $argv | Should -Contain '--suite-time=5'
        $argv | Should -Contain '--as=exchange-online'
    }
}

Describe 'findings and probes: Get-ExTlsFinding -ProbePath/-OutFile, New-ExTlsRunbook -FindingsPath, Compare-ExTlsInventory -OutFile' {
    BeforeAll {
        $smtp = Start-TestHelperServer -Name 'smtp-server'
        $inventoryPath = Join-Path $TestDrive 'fresh.json'
        $null = Invoke-ExTlsInventory -CollectorOutputPath $drops -StaleAfter ([timespan]::Zero) -OutFile $inventoryPath
        # EX01's port 25 offers no STARTTLS: Exchange Online cannot deliver to it
        $probeFleet = Join-Path $TestDrive 'probe-fleet.yaml'
        Set-Content -LiteralPath $probeFleet -Encoding UTF8 -Value @('servers:', '  - { name: EX01, address: 127.0.0.1 }')
        $probePath = Join-Path $TestDrive 'probes.json'
        $null = Test-ExTlsSmtpTls -FleetFile $probeFleet -Port $smtp.Port -AsExchangeOnline -StepTimeoutSeconds 5 -SuiteTimeSeconds 5 -OutFile $probePath
    }
    AfterAll {
        Stop-TestHelperServer $smtp
    }

    It '-ProbePath adds what Exchange Online''s handshake saw, and -OutFile keeps the findings document' {
        $findingsPath = Join-Path $TestDrive 'findings.json'
        $findings = @(Get-ExTlsFinding -InventoryPath $inventoryPath -ProbePath $probePath -OutFile $findingsPath)
        ($findings | Where-Object Id -eq 'EXO-CANNOT-DELIVER').Server | Should -Be 'EX01'
        @(Get-ExTlsFinding -InventoryPath $inventoryPath | Where-Object Id -eq 'EXO-CANNOT-DELIVER').Count | Should -Be 0
        $doc = Get-Content -LiteralPath $findingsPath -Raw | ConvertFrom-Json
        @($doc.servers).Count | Should -Be 2
        (Get-ExTlsServerState -InventoryPath $inventoryPath -ProbePath $probePath | Where-Object Server -eq 'EX01').WorstSeverity | Should -Be 'critical'
    }

    It 'New-ExTlsRunbook -FindingsPath renders a findings document with no inventory' {
        $findingsPath = Join-Path $TestDrive 'findings.json'
        $files = @(New-ExTlsRunbook -FindingsPath $findingsPath -OutputPath (Join-Path $TestDrive 'from-findings') -Confirm:$false)
        @($files | Where-Object Name -eq 'runbook.md').Server | Sort-Object | Should -Be @('EX01', 'EX02')
        Get-Content -LiteralPath (($files | Where-Object { $_.Server -eq 'EX01' -and $_.Name -eq 'runbook.md' }).FullName) -Raw | Should -Match 'EXO-CANNOT-DELIVER'
    }

    It 'refuses an -OutFile whose folder does not exist, and a -ProbePath that is not there, before running' {
        { Get-ExTlsFinding -InventoryPath $inventoryPath -OutFile (Join-Path $TestDrive 'nope/findings.json') } | Should -Throw -ErrorId 'ExTls.OutFileFolderNotFound,Get-ExTlsFinding'
        { Get-ExTlsFinding -InventoryPath $inventoryPath -ProbePath (Join-Path $TestDrive 'nope.json') } | Should -Throw -ErrorId 'ExTls.ProbeFileNotFound,Get-ExTlsFinding'
    }

    It 'Compare-ExTlsInventory -OutFile writes the comparison extls diff --out writes' {
        $diffPath = Join-Path $TestDrive 'diff.json'
        $changes = @(Compare-ExTlsInventory -ReferencePath $inventoryPath -DifferencePath $inventoryPath -OutFile $diffPath -IncludeUnchanged)
        $changes.Count | Should -Be 2
        @((Get-Content -LiteralPath $diffPath -Raw | ConvertFrom-Json).servers).Count | Should -Be 2
    }
}

Describe 'the CLI''s CSV columns are the module''s property names' {
    BeforeAll {
        $smtp = Start-TestHelperServer -Name 'smtp-server'
        $node = Get-TestNode
        $extls = Join-Path $repo 'bin/extls.js'
        $inventoryPath = Join-Path $TestDrive 'csv-inventory.json'
        $inventory = @(Invoke-ExTlsInventory -CollectorOutputPath $drops -StaleAfter ([timespan]::Zero) -OutFile $inventoryPath)
        $csvHeader = {
            param([string[]] $Arguments)
            $text = (& $node $extls @Arguments 2>$null) -join "`n"
            @(($text.TrimStart([char]0xFEFF) -split "`n")[0] -split ',')
        }
        $missing = { param($header, $object) @($header | Where-Object { $null -eq $object.PSObject.Properties[$_] }) }
    }
    AfterAll {
        Stop-TestHelperServer $smtp
    }

    It 'inventory: ExTls.InventoryRecord' {
        $header = & $csvHeader @('inventory', '--from', $drops, '--stale-after', 'off', '--format', 'csv', '--quiet')
        & $missing $header $inventory[0] | Should -BeNullOrEmpty
    }

    It 'analyze: ExTls.Finding' {
        $header = & $csvHeader @('analyze', $inventoryPath, '--format', 'csv')
        $finding = Get-ExTlsFinding -InventoryPath $inventoryPath | Where-Object { $_.PSObject.TypeNames[0] -eq 'ExTls.Finding' } | Select-Object -First 1
        & $missing $header $finding | Should -BeNullOrEmpty
    }

    It 'diff: ExTls.InventoryChange' {
        $header = & $csvHeader @('diff', $inventoryPath, $inventoryPath, '--format', 'csv', '--all')
        $change = Compare-ExTlsInventory -ReferencePath $inventoryPath -DifferencePath $inventoryPath -IncludeUnchanged | Select-Object -First 1
        & $missing $header $change | Should -BeNullOrEmpty
    }

    It 'probe --as exchange-online: ExTls.SmtpTlsResult -AsExchangeOnline' {
        $endpoint = "127.0.0.1:$($smtp.Port)"
        $header = & $csvHeader @('probe', '--format', 'csv', '--quiet', '--as', 'exchange-online', '--step-timeout', '5', '--suite-time', '5', $endpoint)
        $result = Test-ExTlsSmtpTls -ComputerName $endpoint -AsExchangeOnline -StepTimeoutSeconds 5 -SuiteTimeSeconds 5
        & $missing $header $result | Should -BeNullOrEmpty
    }
}
