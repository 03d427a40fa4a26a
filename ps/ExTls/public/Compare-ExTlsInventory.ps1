function Compare-ExTlsInventory {
    <#
    .SYNOPSIS
        What changed per server between two inventories: values, builds, verdicts, legacy-TLS peers and failures.

    .DESCRIPTION
        Runs `extls diff`: both inventories are judged by the same policies at the same reference time, so a verdict
        changes only because the server did. Returns one ExTls.InventoryChange per difference: Server, Change (added,
        removed, changed, or invalid: a record extls could not judge, with its errors in Before/After), Category (the
        finding category: schannel, dotnet, mail-flow, certificate, connector...; or host, verdict, fleet, record), Kind
        (server, status, build, setting, verdict, finding, peer, certificate, connector, fleet, record), Item (what
        changed: 'TLS 1.0 Server', 'Exchange build', 'tls12-ready', a finding id, 'Send connector Outbound to Office
        365', 'Certificate CN=mail.contoso.com' or a peer), State (new, resolved, changed, unchanged), Before and After
        ($null when it was not there). Certificates and connectors are compared as the collector read them, so a
        renewed certificate and a connector made weaker both show. Fleet findings come with Server '(fleet)'. The proof
        after a change window, and drift over time. The counts per category are in the -OutFile JSON (summary.byCategory).

        Servers without changes give nothing; -IncludeUnchanged lists them too (Change 'unchanged'), and the items
        that stayed the same on changed servers (State 'unchanged': a finding still open).

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

    .EXAMPLE
        PS C:\> Compare-ExTlsInventory .\before.json .\after.json | Where-Object Category -in 'connector', 'certificate', 'mail-flow'

        Connectors and certificates that changed (a renewed certificate, a connector no longer requiring TLS), and
        mail-flow failures that are new or resolved.

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
    # What is new, resolved or changed per server; unchanged items only with -IncludeUnchanged (a server that did not
    # change at all is then one object). Fleet findings (DAG/site drift) come last, with Server '(fleet)'.
    $emit = {
        param($server, $change, $c)
        [pscustomobject]@{
            PSTypeName = 'ExTls.InventoryChange'
            Server     = [string]$server
            Change     = [string]$change
            Category   = [string](Get-ExTlsProperty $c 'category')
            Kind       = [string]$c.kind
            Item       = [string]$c.item
            State      = [string](Get-ExTlsProperty $c 'state')
            Before     = $c.before
            After      = $c.after
        }
    }
    foreach ($s in @($doc.servers)) {
        $changes = @(Get-ExTlsProperty $s 'changes' @() | Where-Object { (Get-ExTlsProperty $_ 'state') -ne 'unchanged' })
        if ($s.change -eq 'unchanged') {
            if ($IncludeUnchanged) { $changes = @([pscustomobject]@{ kind = 'server'; category = 'host'; state = 'unchanged'; item = 'Server'; before = $s.server; after = $s.server }) } else { continue }
        }
        foreach ($c in $changes) { & $emit $s.server $s.change $c }
    }
    foreach ($c in @(Get-ExTlsProperty $doc 'fleet' @())) {
        if ($c.state -eq 'unchanged' -and -not $IncludeUnchanged) { continue }
        & $emit '(fleet)' $(if ($c.state -eq 'unchanged') { 'unchanged' } else { 'changed' }) $c
    }
}
