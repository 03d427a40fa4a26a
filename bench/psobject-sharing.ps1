<#
.SYNOPSIS
    Measures how often reading one parsed (ConvertFrom-Json) object from several threads at once fails, against
    each thread parsing its own copy: the reason the fan-out driver hands its workers JSON text.
.DESCRIPTION
    The main thread and -Threads pool runspaces walk the same list of parsed servers. Before each object they meet
    at a barrier, then read it the way the driver does ($Object.PSObject.Properties[$Name], then $Object.$Name,
    under Set-StrictMode -Version 2). Modes:
      shared         every thread reads the same objects, all first reads at once
      shared-warmed  the same, after the main thread has read each object once (as the old driver's main thread
                     did right after starting a worker)
      copies         each thread reads its own parse of the same JSON (the driver today)
    Prints one line per mode: failed reads / reads, and the distinct error messages.
    Run: .tools/pwsh/pwsh -NoProfile -File bench/psobject-sharing.ps1 [-Objects 5000] [-Threads 2]
#>
[CmdletBinding()]
param([int]$Objects = 5000, [int]$Threads = 2)

Set-StrictMode -Version 2
$ErrorActionPreference = 'Stop'

$json = '[' + ((1..$Objects | ForEach-Object {
    '{"name":"EX' + $_ + '","transport":"winrm","address":"ex.contoso.com","port":5985,"timeoutSeconds":300,"winrm":{"useSsl":false}}'
}) -join ',') + ']'

$reader = {
    param($Objects, [string]$Json, $Barrier, [bool]$OwnCopy)
    Set-StrictMode -Version 2
    $ErrorActionPreference = 'Stop'
    function Get-Prop($Object, [string]$Name, $Default = $null) {
        if ($null -ne $Object -and $Object.PSObject.Properties[$Name] -and $null -ne $Object.$Name) { return $Object.$Name }
        return $Default
    }
    if ($OwnCopy) { $Objects = @($Json | ConvertFrom-Json) }
    $failed = 0; $messages = @{}
    foreach ($o in $Objects) {
        $Barrier.SignalAndWait()
        try { $null = Get-Prop $o 'transport'; $null = Get-Prop $o 'timeoutSeconds' } catch { $failed++; $messages[$_.Exception.Message] = $true }
    }
    @{ failed = $failed; messages = @($messages.Keys) }
}

function Invoke-Mode([string]$Mode) {
    $parsed = @($json | ConvertFrom-Json)
    if ($Mode -eq 'shared-warmed') {
        foreach ($o in $parsed) { $null = $o.PSObject.Properties['timeoutSeconds']; $null = $o.timeoutSeconds }
    }
    $ownCopy = $Mode -eq 'copies'
    $barrier = New-Object System.Threading.Barrier ($Threads + 1)
    $pool = [runspacefactory]::CreateRunspacePool(1, $Threads)
    $pool.Open()
    try {
        $runs = foreach ($t in 1..$Threads) {
            $ps = [powershell]::Create()
            $ps.RunspacePool = $pool
            [void]$ps.AddScript($reader).AddArgument($parsed).AddArgument($json).AddArgument($barrier).AddArgument($ownCopy)
            @{ ps = $ps; handle = $ps.BeginInvoke() }
        }
        # The main thread is one more reader.
        $mine = & $reader $parsed $json $barrier $ownCopy
        $failed = $mine.failed; $messages = @{}
        foreach ($m in $mine.messages) { $messages[$m] = $true }
        foreach ($r in $runs) {
            $result = $r.ps.EndInvoke($r.handle)[0]
            $failed += $result.failed
            foreach ($m in $result.messages) { $messages[$m] = $true }
            $r.ps.Dispose()
        }
    } finally {
        $pool.Close()
    }
    $reads = $Objects * ($Threads + 1)
    '{0,-14} {1,6} / {2} reads failed ({3:P2}){4}' -f $Mode, $failed, $reads, ($failed / $reads),
        (($messages.Keys | ForEach-Object { "`n               $_" }) -join '')
}

"objects $Objects, readers $($Threads + 1) (main thread + $Threads pool runspaces), PowerShell $($PSVersionTable.PSVersion)"
Invoke-Mode 'shared'
Invoke-Mode 'shared-warmed'
Invoke-Mode 'copies'
