# Shared by the ExTls Pester tests: paths, helper servers (node scripts started and stopped by process id).
Set-StrictMode -Version 2

$script:RepoRoot = (Resolve-Path -LiteralPath (Join-Path $PSScriptRoot '../../..')).ProviderPath

function Get-TestRepoRoot { $script:RepoRoot }

function Get-TestNode {
    $node = $env:EXTLS_NODE
    if (-not $node) { $node = (Get-Command -Name node -CommandType Application | Select-Object -First 1).Path }
    $node
}

function Start-TestHelperServer {
    <# Starts test/pester/helpers/<Name>.mjs with node; returns @{ Process; Port }. Stop it with Stop-TestHelperServer. #>
    param([Parameter(Mandatory)] [string] $Name)
    $psi = New-Object System.Diagnostics.ProcessStartInfo
    $psi.FileName = Get-TestNode
    if ($psi.PSObject.Properties['ArgumentList']) { $psi.ArgumentList.Add((Join-Path $PSScriptRoot "$Name.mjs")) }
    else { $psi.Arguments = '"' + (Join-Path $PSScriptRoot "$Name.mjs") + '"' }
    $psi.UseShellExecute = $false
    $psi.RedirectStandardInput = $true
    $psi.RedirectStandardOutput = $true
    $psi.RedirectStandardError = $true
    $process = [System.Diagnostics.Process]::Start($psi)
    $line = $process.StandardOutput.ReadLine()
    [pscustomobject]@{ Process = $process; Port = [int]$line }
}

function Stop-TestHelperServer {
    param($Server)
    if ($null -eq $Server) { return }
    try {
        if (-not $Server.Process.HasExited) { $Server.Process.Kill(); [void]$Server.Process.WaitForExit(5000) }
    } catch [System.InvalidOperationException] { $null = $_ }
    $Server.Process.Dispose()
}

function New-TestCredential {
    param([string] $UserName = 'CONTOSO\svc-extls', [string] $Password)
    $secure = ConvertTo-SecureString -String $Password -AsPlainText -Force
    New-Object System.Management.Automation.PSCredential ($UserName, $secure)
}

Export-ModuleMember -Function Get-TestRepoRoot, Get-TestNode, Start-TestHelperServer, Stop-TestHelperServer, New-TestCredential
