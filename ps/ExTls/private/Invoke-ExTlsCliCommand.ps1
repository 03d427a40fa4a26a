function Invoke-ExTlsCliCommand {
    <#
    .SYNOPSIS
        Runs one extls command to the end: fixed arguments, InputText on stdin; returns ExitCode, StdOut and StdErr.
    .DESCRIPTION
        For commands whose output is one document (analyze, probe, runbooks). Invoke-ExTlsInventory streams instead,
        with Start-ExTlsCli / Read-ExTlsCliLine. Reads stdout line by line in short waits, so Ctrl+C stops the
        child promptly.
    .EXAMPLE
        $result = Invoke-ExTlsCliCommand -Argument 'analyze', '-', '--format', 'json' -InputText $inventoryJson
    #>
    [CmdletBinding()]
    param(
        [Parameter(Mandatory)] [string[]] $Argument,
        [AllowEmptyString()] [AllowNull()] [string] $InputText,
        [string] $WorkingDirectory,
        $Cli,
        # a New-ExTlsProgressState, for a command given --progress json: its events are shown as they come
        $Progress
    )
    if (-not $Cli) { $Cli = Resolve-ExTlsCli }
    $psi = New-ExTlsProcessStartInfo -Argument $Argument -WorkingDirectory $WorkingDirectory -Cli $Cli
    Write-Verbose ("Running: node {0} {1}" -f $Cli.Script, ($Argument -join ' '))
    $run = $null
    $finished = $false
    $out = New-Object System.Text.StringBuilder
    try {
        $run = Start-ExTlsCli -StartInfo $psi -InputText $InputText -Progress $Progress
        while ($null -ne ($line = Read-ExTlsCliLine -Run $run)) { [void]$out.Append($line).Append("`n") }
        $result = Complete-ExTlsCli -Run $run
        $finished = $true
    } finally {
        if (-not $finished) { Stop-ExTlsCli -Run $run }
    }
    foreach ($l in @(([string]$result.StdErr) -split '\r?\n' | Where-Object { $_.Trim() })) { Write-Verbose "extls: $l" }
    [pscustomobject]@{
        ExitCode = $result.ExitCode
        StdOut   = $out.ToString()
        StdErr   = $result.StdErr
    }
}
