# Register-ExTlsCollectorTask and the plain scripts behind it (ps/engines): a daily read-only collection that writes
# <COMPUTERNAME>.json to a share. The ScheduledTasks cmdlets do not exist on Linux: stand-ins record what they were
# given. The installed task script itself runs for real (pwsh, over the demo's .reg exports) into a folder standing
# for the share, and extls inventory --from reads the result.
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'helpers/TestHelpers.psm1') -Force
    $root = Get-TestRepoRoot
    Import-Module (Join-Path $root 'ps/ExTls/ExTls.psd1') -Force
    # the pwsh the project installed (a .NET tool: this process's own path is dotnet)
    $pwsh = Join-Path $root '.tools/pwsh/pwsh'
    $collector = Join-Path $root 'dist/ExTlsCollector.ps1'
    $demo = Join-Path $root 'examples/demo/servers/EX01'

    # Stand-ins for the ScheduledTasks module: objects that say what they were built from; Register records them.
    $global:ExTlsRegistered = New-Object System.Collections.Generic.List[object]
    function global:New-ScheduledTaskAction { param($Execute, $Argument, $WorkingDirectory) [pscustomobject]@{ Execute = $Execute; Argument = $Argument; WorkingDirectory = $WorkingDirectory } }
    function global:New-ScheduledTaskTrigger { param([switch] $Daily, [datetime] $At, [timespan] $RandomDelay) [pscustomobject]@{ Daily = [bool]$Daily; At = $At; RandomDelay = $RandomDelay } }
    function global:New-ScheduledTaskPrincipal { param($UserId, $LogonType, $RunLevel) [pscustomobject]@{ UserId = $UserId; LogonType = $LogonType; RunLevel = $RunLevel } }
    function global:New-ScheduledTaskSettingsSet { param([switch] $StartWhenAvailable, $MultipleInstances, [timespan] $ExecutionTimeLimit) [pscustomobject]@{ StartWhenAvailable = [bool]$StartWhenAvailable; MultipleInstances = $MultipleInstances; ExecutionTimeLimit = $ExecutionTimeLimit } }
    function global:Register-ScheduledTask {
        param($TaskName, $TaskPath, $Action, $Trigger, $Principal, $Settings, $Description, [switch] $Force)
        $global:ExTlsRegistered.Add([pscustomobject]@{ TaskName = $TaskName; TaskPath = $TaskPath; Action = $Action; Trigger = $Trigger; Principal = $Principal; Settings = $Settings; Description = $Description; Force = [bool]$Force })
    }

    function New-TestFolder { $p = Join-Path ([IO.Path]::GetTempPath()) ('extls-task-' + [guid]::NewGuid().ToString('N')); $null = New-Item -ItemType Directory -Path $p; $p }
    function Invoke-TaskScript {
        param([string] $InstallPath)
        $out = & $pwsh -NoLogo -NoProfile -NonInteractive -File (Join-Path $InstallPath 'Invoke-ExTlsCollectorTask.ps1') 2>&1
        $lastRunPath = Join-Path $InstallPath 'last-run.json'
        if (-not (Test-Path -LiteralPath $lastRunPath)) { throw "the task script wrote no last-run.json (exit code $LASTEXITCODE): $($out | Out-String)" }
        [pscustomobject]@{ ExitCode = $LASTEXITCODE; Output = ($out | Out-String); LastRun = [IO.File]::ReadAllText((Join-Path $InstallPath 'last-run.json')) | ConvertFrom-Json }
    }
}

AfterAll {
    foreach ($name in 'New-ScheduledTaskAction', 'New-ScheduledTaskTrigger', 'New-ScheduledTaskPrincipal', 'New-ScheduledTaskSettingsSet', 'Register-ScheduledTask') {
        Remove-Item -LiteralPath "function:global:$name" -ErrorAction SilentlyContinue
    }
    Remove-Variable -Name ExTlsRegistered -Scope Global -ErrorAction SilentlyContinue
    Remove-Module ExTls -ErrorAction SilentlyContinue
}

Describe 'Register-ExTlsCollectorTask' {
    BeforeEach {
        $global:ExTlsRegistered.Clear()
        $work = New-TestFolder
        $install = Join-Path $work 'install'
        # a share name an attacker might choose: it must end up as data, never run
        $share = Join-Path $work "share '`$(New-Item -Path pwned)"
        $null = New-Item -ItemType Directory -Path $share
        $options = ConvertTo-Json -Compress -InputObject ([ordered]@{
                registryExports = @(Get-ChildItem -LiteralPath (Join-Path $demo 'registry') -Filter '*.reg' | Sort-Object Name | ForEach-Object FullName)
                scanLogs        = $false
            })
    }
    AfterEach { Remove-Item -LiteralPath $work -Recurse -Force -ErrorAction SilentlyContinue }

    It 'installs the collector and the task script, keeps the share and options as JSON data, and registers a daily SYSTEM task' {
        Register-ExTlsCollectorTask -SharePath $share -InstallPath $install -At '22:30' -RandomDelayMinutes 90 -OptionsJson $options

        (Get-FileHash (Join-Path $install 'ExTlsCollector.ps1')).Hash | Should -Be (Get-FileHash $collector).Hash
        Test-Path -LiteralPath (Join-Path $install 'Invoke-ExTlsCollectorTask.ps1') | Should -BeTrue
        $settings = [IO.File]::ReadAllText((Join-Path $install 'ExTlsCollectorTask.json')) | ConvertFrom-Json
        $settings.sharePath | Should -BeExactly $share
        $settings.collectorOptions.scanLogs | Should -BeFalse
        @(Get-ChildItem -LiteralPath $install -Filter '*.tmp').Count | Should -Be 0

        $global:ExTlsRegistered.Count | Should -Be 1
        $task = $global:ExTlsRegistered[0]
        $task.TaskName | Should -Be 'extls collector'
        $task.TaskPath | Should -Be '\extls\'
        $task.Force | Should -BeTrue
        $task.Action.Execute | Should -Match 'powershell\.exe$'
        # the command line holds the task script's path and nothing else of the admin's data
        $task.Action.Argument | Should -BeExactly ('-NoLogo -NoProfile -NonInteractive -ExecutionPolicy Bypass -File "{0}"' -f (Join-Path $install 'Invoke-ExTlsCollectorTask.ps1'))
        $task.Trigger.Daily | Should -BeTrue
        $task.Trigger.At.ToString('HH:mm') | Should -Be '22:30'
        $task.Trigger.RandomDelay.TotalMinutes | Should -Be 90
        $task.Principal.UserId | Should -Be 'SYSTEM'
        $task.Principal.RunLevel | Should -Be 'Highest'
        $task.Settings.MultipleInstances | Should -Be 'IgnoreNew'
    }

    It 'with -WhatIf installs and registers nothing' {
        Register-ExTlsCollectorTask -SharePath $share -InstallPath $install -WhatIf
        Test-Path -LiteralPath $install | Should -BeFalse
        $global:ExTlsRegistered.Count | Should -Be 0
    }

    It 'refuses options that are not a JSON object before touching anything' {
        { Register-ExTlsCollectorTask -SharePath $share -InstallPath $install -OptionsJson '[1,2]' } | Should -Throw '*must be a JSON object*'
        { Register-ExTlsCollectorTask -SharePath $share -InstallPath $install -OptionsJson '{nope' } | Should -Throw '*not valid JSON*'
        { Register-ExTlsCollectorTask -SharePath $share -InstallPath $install -At '25:00' } | Should -Throw
        Test-Path -LiteralPath $install | Should -BeFalse
        $global:ExTlsRegistered.Count | Should -Be 0
    }

    It 'runs as a Configuration Manager run script does (a temporary copy of its text): files from -SourcePath' {
        $source = Join-Path $work 'source'
        $null = New-Item -ItemType Directory -Path $source
        Copy-Item -LiteralPath $collector -Destination $source
        Copy-Item -LiteralPath (Join-Path $root 'ps/engines/Invoke-ExTlsCollectorTask.ps1') -Destination $source
        $script = [scriptblock]::Create([IO.File]::ReadAllText((Join-Path $root 'ps/engines/Install-ExTlsCollectorTask.ps1')))
        { & $script -SharePath $share -InstallPath $install } | Should -Throw '*give -SourcePath*'
        & $script -SharePath $share -SourcePath $source -InstallPath $install -OptionsJson $options
        $global:ExTlsRegistered.Count | Should -Be 1
        (Get-FileHash (Join-Path $install 'ExTlsCollector.ps1')).Hash | Should -Be (Get-FileHash $collector).Hash
        Test-Path -LiteralPath (Join-Path $install 'Invoke-ExTlsCollectorTask.ps1') | Should -BeTrue
    }

    It 'the installed task writes <COMPUTERNAME>.json to the share in one piece, and extls inventory --from reads it' {
        Register-ExTlsCollectorTask -SharePath $share -InstallPath $install -OptionsJson $options
        $run = Invoke-TaskScript -InstallPath $install
        $run.ExitCode | Should -Be 0 -Because $run.Output
        $run.LastRun.outcome | Should -Be 'ok'

        $name = $env:COMPUTERNAME
        if (-not $name) { $name = [Environment]::MachineName }
        @(Get-ChildItem -LiteralPath $share -Force | ForEach-Object Name) | Should -Be @("$name.json")
        Test-Path -LiteralPath (Join-Path $work 'pwned') | Should -BeFalse
        Test-Path -LiteralPath (Join-Path $install 'pwned') | Should -BeFalse

        $inventory = Join-Path $work 'inventory.json'
        & (Get-TestNode) (Join-Path $root 'bin/extls.js') inventory --from $share --out $inventory --quiet
        $LASTEXITCODE | Should -Be 0
        $record = @(([IO.File]::ReadAllText($inventory) | ConvertFrom-Json).servers)
        $record.Count | Should -Be 1
        $record[0].server | Should -Be $name
        $record[0].status | Should -Be 'ok'
        $record[0].transport | Should -Be 'file'
    }

    It 'a run that cannot write to the share says why in last-run.json and exits 1' {
        $blocker = Join-Path $work 'a-file'
        Set-Content -LiteralPath $blocker -Value 'x'
        Register-ExTlsCollectorTask -SharePath (Join-Path $blocker 'share') -InstallPath $install -OptionsJson $options
        $run = Invoke-TaskScript -InstallPath $install
        $run.ExitCode | Should -Be 1
        $run.LastRun.outcome | Should -Be 'failed'
        $run.LastRun.message | Should -Not -BeNullOrEmpty
    }
}

Describe 'ps/engines scripts for Windows PowerShell 5.1: <_>' -ForEach @('Install-ExTlsCollectorTask.ps1', 'Invoke-ExTlsCollectorTask.ps1') {
    It 'has no PowerShell 7-only syntax' {
        $file = Join-Path (Get-TestRepoRoot) "ps/engines/$_"
        $found = & (Join-Path (Get-TestRepoRoot) 'test/collector/Find-Ps7OnlySyntax.ps1') -Path $file | ConvertFrom-Json
        @($found) | Should -BeNullOrEmpty
    }
}
