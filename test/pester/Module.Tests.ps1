# The module as a whole: it imports cleanly, the manifest exports exactly the public files' functions, the code
# stays Windows PowerShell 5.1 syntax, and every exported command has full help and at least one test.
BeforeDiscovery {
    $script:moduleFolder = Join-Path $PSScriptRoot '../../ps/ExTls'
    $script:publicNames = @(Get-ChildItem -LiteralPath (Join-Path $moduleFolder 'public') -Filter '*.ps1' | ForEach-Object BaseName | Sort-Object)
    $script:allScripts = @(Get-ChildItem -LiteralPath $moduleFolder -Recurse -Include '*.ps1', '*.psm1', '*.psd1' | ForEach-Object { @{ File = $_.FullName; Name = $_.Name } })
}

BeforeAll {
    $moduleFolder = Join-Path $PSScriptRoot '../../ps/ExTls'
    $manifestPath = Join-Path $moduleFolder 'ExTls.psd1'
    $publicNames = @(Get-ChildItem -LiteralPath (Join-Path $moduleFolder 'public') -Filter '*.ps1' | ForEach-Object BaseName | Sort-Object)
    Import-Module $manifestPath -Force
}

AfterAll {
    Remove-Module ExTls -ErrorAction SilentlyContinue
}

Describe 'ExTls module' {
    It 'has a valid manifest for Windows PowerShell 5.1 and PowerShell 7' {
        $manifest = Test-ModuleManifest -Path $manifestPath -ErrorAction Stop
        $manifest.PowerShellVersion | Should -Be ([version]'5.1')
        $manifest.CompatiblePSEditions | Should -Be @('Desktop', 'Core')
        (Import-PowerShellDataFile -Path $manifestPath).FormatsToProcess | Should -Be @('ExTls.Format.ps1xml')
    }

    It 'imports without errors or warnings' {
        $out = & {
            Import-Module $manifestPath -Force -ErrorVariable importErrors -WarningVariable importWarnings
            [pscustomobject]@{ Errors = @($importErrors).Count; Warnings = @($importWarnings).Count }
        }
        $out.Errors | Should -Be 0
        $out.Warnings | Should -Be 0
    }

    It 'exports exactly the functions of public/*.ps1, listed explicitly in the manifest' {
        $listed = @((Import-PowerShellDataFile -Path $manifestPath).FunctionsToExport | Sort-Object)
        $listed | Should -Be $publicNames
        $listed | Should -Not -Contain '*'
        @((Get-Module ExTls).ExportedFunctions.Keys | Sort-Object) | Should -Be $publicNames
        @((Get-Module ExTls).ExportedCmdlets.Keys).Count | Should -Be 0
        @((Get-Module ExTls).ExportedAliases.Keys).Count | Should -Be 0
    }

    It 'uses approved verbs only' {
        $approved = @(Get-Verb | ForEach-Object Verb)
        foreach ($name in $publicNames) { $approved | Should -Contain ($name.Split('-')[0]) -Because $name }
    }

    It 'defines exactly one function per file, named after the file: <_>' -ForEach $publicNames {
        $file = Join-Path $moduleFolder "public/$_.ps1"
        $ast = [System.Management.Automation.Language.Parser]::ParseFile($file, [ref]$null, [ref]$null)
        $functions = @($ast.FindAll({ param($n) $n -is [System.Management.Automation.Language.FunctionDefinitionAst] }, $false))
        $functions.Count | Should -Be 1
        $functions[0].Name | Should -Be $_
    }

    It 'loads the default views for its objects' {
        foreach ($type in 'ExTls.InventoryRecord', 'ExTls.Finding', 'ExTls.FleetFinding', 'ExTls.SmtpTlsResult', 'ExTls.RunbookFile', 'ExTls.ServerState', 'ExTls.LegacyPeer', 'ExTls.InventoryChange', 'ExTls.Policy') {
            @(Get-FormatData -TypeName $type).Count | Should -BeGreaterThan 0 -Because $type
        }
        # default property sets (types.ps1xml): the raw record is not among them
        foreach ($type in 'ExTls.InventoryRecord', 'ExTls.Finding', 'ExTls.FleetFinding', 'ExTls.SmtpTlsResult', 'ExTls.ServerState', 'ExTls.LegacyPeer', 'ExTls.InventoryChange', 'ExTls.Policy') {
            $set = (Get-TypeData -TypeName $type).DefaultDisplayPropertySet.ReferencedProperties
            @($set).Count | Should -BeGreaterThan 3 -Because $type
            $set | Should -Not -Contain 'Raw'
        }
        $table = (Get-FormatData -TypeName 'ExTls.InventoryRecord').FormatViewDefinition | Where-Object { $_.Control -is [System.Management.Automation.TableControl] }
        @($table.Control.Headers.Label)[0..2] | Should -Be @('Server', 'Status', 'Category')
        $findingTable = (Get-FormatData -TypeName 'ExTls.Finding').FormatViewDefinition | Where-Object { $_.Control -is [System.Management.Automation.TableControl] }
        @($findingTable.Control.Headers.Label) | Should -Be @('Server', 'Severity', 'Id', 'Title')
    }
}

Describe 'Windows PowerShell 5.1 syntax: <Name>' -ForEach $allScripts {
    It 'parses, and has no PowerShell 7-only operators or parameters' {
        $tokens = $null
        $errors = $null
        $ast = [System.Management.Automation.Language.Parser]::ParseFile($File, [ref]$tokens, [ref]$errors)
        @($errors).Count | Should -Be 0
        # ternary ?:, ??, ??=, ?., ?[ and pipeline chains && || only exist in PowerShell 7
        $sevenOnly = 'QuestionMark', 'QuestionQuestion', 'QuestionQuestionEquals', 'QuestionDot', 'QuestionLBracket', 'AndAnd', 'OrOr'
        @($tokens | Where-Object { $sevenOnly -contains [string]$_.Kind } | ForEach-Object { "$($_.Kind) at line $($_.Extent.StartLineNumber)" }) | Should -BeNullOrEmpty
        $parameters = @($ast.FindAll({ param($n) $n -is [System.Management.Automation.Language.CommandParameterAst] }, $true) | ForEach-Object ParameterName)
        $parameters | Should -Not -Contain 'Parallel'
        $parameters | Should -Not -Contain 'AsHashtable'
        $usings = @($ast.FindAll({ param($n) $n -is [System.Management.Automation.Language.UsingStatementAst] }, $true))
        $usings.Count | Should -Be 0
    }
}

Describe 'Help and tests for <_>' -ForEach $publicNames {
    BeforeAll {
        $name = $_
        $help = Get-Help -Name $name -Full
        $command = Get-Command -Name $name -Module ExTls
        $common = [System.Management.Automation.PSCmdlet]::CommonParameters + [System.Management.Automation.PSCmdlet]::OptionalCommonParameters
    }

    It 'has a synopsis and a description' {
        $help.Synopsis | Should -Not -BeNullOrEmpty
        $help.Synopsis | Should -Not -Match ([regex]::Escape($name) + '\s*\[')   # not the auto-generated syntax line
        ($help.Description | Out-String).Trim().Length | Should -BeGreaterThan 40
    }

    It 'has at least three examples, each with code and an explanation' {
        $examples = @($help.Examples.Example)
        $examples.Count | Should -BeGreaterOrEqual 3
        foreach ($e in $examples) {
            $e.Code | Should -Not -BeNullOrEmpty
            ($e.Remarks | Out-String).Trim() | Should -Not -BeNullOrEmpty
        }
    }

    It 'documents every parameter' {
        $documented = @($help.Parameters.Parameter | Where-Object { ($_.Description | Out-String).Trim() } | ForEach-Object Name)
        foreach ($p in $command.Parameters.Keys) {
            if ($common -contains $p) { continue }
            $documented | Should -Contain $p -Because "$name -$p needs a .PARAMETER entry"
        }
    }

    It 'is exercised by at least one test file besides this meta-test' {
        $mentions = @(Get-ChildItem -LiteralPath $PSScriptRoot -Filter '*.Tests.ps1' |
                Where-Object { $_.Name -ne 'Module.Tests.ps1' } |
                Where-Object { (Get-Content -LiteralPath $_.FullName -Raw) -match ('\b' + [regex]::Escape($name) + '\b') })
        $mentions.Count | Should -BeGreaterThan 0
    }
}

Describe 'Installable' {
    BeforeAll {
        Import-Module (Join-Path $PSScriptRoot 'helpers/TestHelpers.psm1') -Force
        $repo = Get-TestRepoRoot
        # the module as an admin installs it: copied into a PSModulePath folder, away from any extls checkout
        $modules = Join-Path $TestDrive 'Modules'
        $null = New-Item -ItemType Directory -Path $modules
        Copy-Item -LiteralPath $moduleFolder -Destination (Join-Path $modules 'ExTls') -Recurse
        # this PowerShell again (the project's .tools/pwsh runs as 'dotnet pwsh.dll', so not the process path)
        $pwsh = Join-Path $repo '.tools/pwsh/pwsh'
        if (-not (Test-Path -LiteralPath $pwsh)) { $pwsh = (Get-Command -Name pwsh -CommandType Application | Select-Object -First 1).Source }
        # PATH as it is (pwsh may be a dotnet tool shim that needs it), without any extls already on it
        $basePath = @($env:PATH -split [regex]::Escape([string][System.IO.Path]::PathSeparator) | Where-Object { $_ -and -not (Test-Path -LiteralPath (Join-Path $_ 'extls')) }) -join [System.IO.Path]::PathSeparator
        $nodeFolder = (Split-Path -Path (Get-TestNode) -Parent) + [System.IO.Path]::PathSeparator + $basePath
        function Invoke-Installed([string] $Command, [string] $PathValue, [string] $Cli) {
            $psi = New-Object System.Diagnostics.ProcessStartInfo
            $psi.FileName = $pwsh
            foreach ($a in '-NoLogo', '-NoProfile', '-NonInteractive', '-Command', $Command) { $psi.ArgumentList.Add($a) }
            $psi.UseShellExecute = $false
            $psi.RedirectStandardOutput = $true
            $psi.RedirectStandardError = $true
            $psi.Environment['PSModulePath'] = $modules
            $psi.Environment['PATH'] = $PathValue
            [void]$psi.Environment.Remove('EXTLS_CLI')
            if ($Cli) { $psi.Environment['EXTLS_CLI'] = $Cli }
            $p = [System.Diagnostics.Process]::Start($psi)
            $out = $p.StandardOutput.ReadToEnd()
            $err = $p.StandardError.ReadToEnd()
            $p.WaitForExit()
            [pscustomobject]@{ Out = $out.Trim(); Err = $err; Code = $p.ExitCode }
        }
    }

    It 'has a ProjectUri, release notes and an about_ExTls help topic' {
        $data = (Import-PowerShellDataFile -Path $manifestPath).PrivateData.PSData
        $data.ProjectUri | Should -Match '^https://'
        $data.ReleaseNotes | Should -Match 'Get-ExTlsServerState'
        (Import-PowerShellDataFile -Path $manifestPath).TypesToProcess | Should -Be @('ExTls.Types.ps1xml')
        Test-Path -LiteralPath (Join-Path $moduleFolder 'en-US/about_ExTls.help.txt') | Should -BeTrue
        $r = Invoke-Installed -Command "Import-Module ExTls; (Get-Help about_ExTls | Out-String) -match 'INSTALLING'" -PathValue $nodeFolder
        $r.Out | Should -Be 'True'
    }

    It 'finds the CLI as `extls` on PATH (npm install -g) when installed into PSModulePath' {
        # npm's global layout on Linux and macOS: <prefix>/bin/extls -> ../lib/node_modules/extls/bin/extls.js
        $prefix = Join-Path $TestDrive 'npm-prefix'
        $null = New-Item -ItemType Directory -Path (Join-Path $prefix 'bin'), (Join-Path $prefix 'lib/node_modules')
        $null = New-Item -ItemType SymbolicLink -Path (Join-Path $prefix 'lib/node_modules/extls') -Target $repo
        $null = New-Item -ItemType SymbolicLink -Path (Join-Path $prefix 'bin/extls') -Target '../lib/node_modules/extls/bin/extls.js'
        $pathValue = (Join-Path $prefix 'bin') + [System.IO.Path]::PathSeparator + $nodeFolder
        $r = Invoke-Installed -Command "Import-Module ExTls; (Get-ExTlsPolicy).Id -join ','" -PathValue $pathValue
        $r.Err | Should -BeNullOrEmpty
        $r.Out | Should -Be 'legacy-off,tls12-ready'
    }

    It 'uses $env:EXTLS_CLI when set' {
        $r = Invoke-Installed -Command "Import-Module ExTls; (Get-ExTlsPolicy).Id -join ','" -PathValue $nodeFolder -Cli (Join-Path $repo 'bin/extls.js')
        $r.Out | Should -Be 'legacy-off,tls12-ready'
    }

    It 'says clearly how to get the CLI when there is none' {
        $r = Invoke-Installed -Command "Import-Module ExTls; try { Get-ExTlsPolicy -ErrorAction Stop } catch { `$_.Exception.Message }" -PathValue $nodeFolder
        $r.Out | Should -Match 'extls CLI was not found'
        $r.Out | Should -Match 'npm install -g'
        $r.Out | Should -Match 'EXTLS_CLI'
    }
}
