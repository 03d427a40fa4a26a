function Compare-ExTlsInventory {
    <#
    .SYNOPSIS
        What changed per server between two inventories: values, builds, verdicts, legacy-TLS peers and failures.

    .DESCRIPTION
        Runs `extls diff`: both inventories are judged by the same policies at the same reference time, so a verdict
        changes only because the server did. Returns one ExTls.InventoryChange per difference: Server, Change (added,
        removed, changed), Kind (server, status, build, setting, verdict, finding, peer), Item (what changed:
        'TLS 1.0 Server', 'Exchange build', 'tls12-ready', a finding id or a peer), Before and After ($null when it was
        not there). The proof after a change window, and drift over time.

        Servers without changes give nothing; -IncludeUnchanged lists them too (Change 'unchanged').

    .PARAMETER ReferencePath
        The earlier inventory.json (before the change window).

    .PARAMETER DifferencePath
        The later inventory.json.

    .PARAMETER Policy
        Policies the verdicts are compared for: tls12-ready (default), legacy-off or a policy JSON file.

    .PARAMETER ReferenceTime
        Judge product support in both inventories as of this time instead of now.

    .PARAMETER IncludeUnchanged
        Also return one object for each server that did not change.

    .PARAMETER OutFile
        Also write the whole comparison (JSON, as `extls diff --out` writes it) to this file, to keep with the change
        record. Its folder must exist.

    .EXAMPLE
        PS C:\> Compare-ExTlsInventory -ReferencePath .\before.json -DifferencePath .\after.json -Policy legacy-off

        After the change window: which servers now pass phase 2, and which SCHANNEL values changed.

    .EXAMPLE
        PS C:\> Compare-ExTlsInventory .\2026-01.json .\2026-02.json | Where-Object Kind -eq 'build' | Format-Table Server, Item, Before, After

        Drift over a month: Windows, Exchange and .NET builds that moved.

    .EXAMPLE
        PS C:\> Compare-ExTlsInventory .\before.json .\after.json | Where-Object { $_.Kind -eq 'verdict' -and $_.After -ne 'pass' }

        Servers whose verdict got worse, or did not get better.

    .OUTPUTS
        ExTls.InventoryChange

    .LINK
        Get-ExTlsInventory
    #>
    [CmdletBinding()]
    [OutputType('ExTls.InventoryChange')]
    param(
        [Parameter(Mandatory, Position = 0)]
        [ValidateNotNullOrEmpty()]
        [string] $ReferencePath,

        [Parameter(Mandatory, Position = 1)]
        [ValidateNotNullOrEmpty()]
        [string] $DifferencePath,

        [ValidateNotNullOrEmpty()]
        [string[]] $Policy,

        [datetime] $ReferenceTime,

        [switch] $IncludeUnchanged,

        [ValidateNotNullOrEmpty()]
        [string] $OutFile
    )

    $pathOf = { param($p) $PSCmdlet.SessionState.Path.GetUnresolvedProviderPathFromPSPath($p) }
    $outPath = $null
    if ($OutFile) { $outPath = Resolve-ExTlsOutFile -Path $OutFile -Cmdlet $PSCmdlet }
    $files = @()
    foreach ($p in $ReferencePath, $DifferencePath) {
        $full = & $pathOf $p
        if (-not (Test-Path -LiteralPath $full -PathType Leaf)) {
            $PSCmdlet.ThrowTerminatingError((New-ExTlsErrorRecord -Message "The inventory file '$p' was not found." -ErrorId 'ExTls.InventoryNotFound' -Category ObjectNotFound -TargetObject $p -ExceptionType 'System.IO.FileNotFoundException'))
        }
        $files += $full
    }
    try {
        $cli = Resolve-ExTlsCli
    } catch {
        $PSCmdlet.ThrowTerminatingError((New-ExTlsErrorRecord -Message $_.Exception.Message -ErrorId 'ExTls.CliNotFound' -Category ObjectNotFound -TargetObject 'extls' -ExceptionType 'System.IO.FileNotFoundException'))
    }
    $arguments = New-Object System.Collections.Generic.List[string]
    foreach ($a in 'diff', '--format=json') { $arguments.Add($a) }
    foreach ($p in $Policy) {
        $candidate = & $pathOf $p
        if (Test-Path -LiteralPath $candidate -PathType Leaf) { $p = $candidate }
        $arguments.Add("--policy=$p")
    }
    if ($PSBoundParameters.ContainsKey('ReferenceTime')) {
        $arguments.Add('--reference-time=' + $ReferenceTime.ToUniversalTime().ToString('yyyy-MM-ddTHH:mm:ssZ', [Globalization.CultureInfo]::InvariantCulture))
    }
    if ($outPath) { $arguments.Add("--out=$outPath") }
    $arguments.Add('--')
    foreach ($f in $files) { $arguments.Add($f) }
    $result = Invoke-ExTlsCliCommand -Argument $arguments.ToArray() -Cli $cli -WorkingDirectory $PSCmdlet.SessionState.Path.CurrentFileSystemLocation.ProviderPath
    $doc = $null
    if ($result.StdOut.Trim()) { try { $doc = $result.StdOut | ConvertFrom-Json } catch { $doc = $null } }
    if ($null -eq $doc -or $null -eq $doc.PSObject.Properties['servers']) {
        $PSCmdlet.ThrowTerminatingError((New-ExTlsErrorRecord -Message (Get-ExTlsCliMessage -Command 'diff' -Result $result) -ErrorId 'ExTls.CliFailed' -Category InvalidArgument -TargetObject $DifferencePath))
    }
    if ($result.ExitCode -eq 2) {
        foreach ($l in @(([string]$result.StdErr) -split '\r?\n' | Where-Object { $_ -match 'skipped' })) { Write-Warning ($l -replace '^extls: ', '') }
    }
    foreach ($s in @($doc.servers)) {
        $changes = @(Get-ExTlsProperty $s 'changes' @())
        if ($s.change -eq 'unchanged') {
            if ($IncludeUnchanged) { $changes = @([pscustomobject]@{ kind = 'server'; item = 'Server'; before = $s.server; after = $s.server }) } else { continue }
        }
        foreach ($c in $changes) {
            [pscustomobject]@{
                PSTypeName = 'ExTls.InventoryChange'
                Server     = [string]$s.server
                Change     = [string]$s.change
                Kind       = [string]$c.kind
                Item       = [string]$c.item
                Before     = $c.before
                After      = $c.after
            }
        }
    }
}
