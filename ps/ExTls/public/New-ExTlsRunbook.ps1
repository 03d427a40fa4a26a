function New-ExTlsRunbook {
    <#
    .SYNOPSIS
        Writes the change runbook, remediation and rollback scripts for each server, and the fleet report, from an inventory.

    .DESCRIPTION
        Runs `extls runbooks <inventory> --out <folder>`: per server a folder with runbook.md (pre-checks, the Exchange
        maintenance steps around the restart, the exact registry changes, post-checks, rollback), remediate.ps1 and
        rollback.ps1 (Windows PowerShell 5.1, -WhatIf aware, back up before they change anything), and for the fleet
        report.html, summary.csv and the rollout order.

        Supports -WhatIf and -Confirm. With -WhatIf nothing is written anywhere, and extls is not started. The
        inventory (a file's content, or the piped records) is handed to extls on its standard input: no temporary
        files. Servers that could not be collected get no runbook; they are listed in report.html and as a warning.

        Returns the files written (FileInfo objects typed ExTls.RunbookFile, with the Server they belong to), as
        `extls runbooks --format json` lists them: files of an earlier run in the same folder are never returned.

    .PARAMETER InventoryPath
        An inventory.json file (Invoke-ExTlsInventory -OutFile, or `extls inventory --out`).

    .PARAMETER InputObject
        Inventory records from the pipeline: the output of Invoke-ExTlsInventory.

    .PARAMETER OutputPath
        The folder to write into; created if missing. Files of an earlier run with the same names are replaced.

    .PARAMETER Policy
        Policies the runbooks are written for: tls12-ready (phase 1, the default), legacy-off (phase 2) or a policy
        JSON file. Several may be given.

    .PARAMETER ProbePath
        Results of Test-ExTlsSmtpTls -OutFile (or `extls probe --format json`): each runbook quotes its server's last
        STARTTLS probe in the pre- and post-checks, and the report gets a probe column.

    .PARAMETER FindingsPath
        A findings document (Get-ExTlsFinding -OutFile, or `extls analyze --out`) to render instead of analysing an
        inventory again: the runbooks say exactly what was reviewed. Needs no inventory; its policies are used (do
        not give -Policy with it).

    .PARAMETER TemplatePath
        A folder of your own Handlebars templates; each replaces the built-in template of the same file name
        (docs/templates.md), e.g. your change-management format.

    .PARAMETER WaveSize
        At most this many servers per rollout wave (default: no limit; members of one DAG are never in the same wave).

    .PARAMETER EnableException
        Throw terminating errors instead of writing non-terminating ones (kept for symmetry with the other commands:
        a failed render is always terminating).

    .EXAMPLE
        PS C:\> New-ExTlsRunbook -InventoryPath .\inventory.json -OutputPath .\runbooks -WhatIf

        Shows what would be written, and writes nothing.

    .EXAMPLE
        PS C:\> New-ExTlsRunbook -InventoryPath .\inventory.json -OutputPath \\fs01\changes\CHG0042 -Confirm:$false

        Writes the runbooks and the report for the change request folder without asking.

    .EXAMPLE
        PS C:\> Get-ExchangeServer | Invoke-ExTlsInventory | Where-Object Status -eq 'Ok' | New-ExTlsRunbook -OutputPath .\runbooks |
        >>     Where-Object Name -eq 'remediate.ps1'

        Reads the servers, renders runbooks for the ones that could be read and lists their remediation scripts.

    .EXAMPLE
        PS C:\> New-ExTlsRunbook -InventoryPath .\inventory.json -OutputPath .\phase2 -Policy legacy-off -TemplatePath .\cab-templates -WaveSize 4

        Phase 2 runbooks (TLS 1.0/1.1 off) in your own change-advisory-board format, at most four servers per wave.

    .EXAMPLE
        PS C:\> Test-ExTlsSmtpTls -FleetFile .\fleet.yaml -OutFile .\probes.json | Out-Null
        PS C:\> New-ExTlsRunbook -InventoryPath .\inventory.json -ProbePath .\probes.json -OutputPath .\runbooks

        Runbooks whose pre- and post-checks quote each server's last STARTTLS probe.

    .EXAMPLE
        PS C:\> $files = New-ExTlsRunbook -InventoryPath .\inventory.json -OutputPath .\runbooks
        PS C:\> Invoke-Item ($files | Where-Object Name -eq 'report.html').FullName

        Writes everything and opens the fleet report.

    .INPUTS
        ExTls.InventoryRecord

    .OUTPUTS
        System.IO.FileInfo (ExTls.RunbookFile)

    .LINK
        Invoke-ExTlsInventory

    .LINK
        Get-ExTlsFinding
    #>
    [CmdletBinding(SupportsShouldProcess, ConfirmImpact = 'Medium', DefaultParameterSetName = 'InputObject')]
    [OutputType('ExTls.RunbookFile')]
    param(
        [Parameter(Mandatory, Position = 0, ParameterSetName = 'Path')]
        [ValidateNotNullOrEmpty()]
        [string] $InventoryPath,

        [Parameter(Mandatory, ValueFromPipeline, ParameterSetName = 'InputObject')]
        [object[]] $InputObject,

        [Parameter(Mandatory)]
        [ValidateNotNullOrEmpty()]
        [string] $OutputPath,

        [ValidateNotNullOrEmpty()]
        [string[]] $Policy,

        [ValidateNotNullOrEmpty()]
        [string] $ProbePath,

        [Parameter(Mandatory, ParameterSetName = 'Findings')]
        [Parameter(ParameterSetName = 'Path')]
        [ValidateNotNullOrEmpty()]
        [string] $FindingsPath,

        [ValidateNotNullOrEmpty()]
        [string] $TemplatePath,

        [ValidateRange(0, 100000)]
        [int] $WaveSize,

        [switch] $EnableException
    )

    begin {
        $records = New-Object System.Collections.Generic.List[object]
    }

    process {
        if ($PSCmdlet.ParameterSetName -eq 'InputObject') {
            foreach ($item in $InputObject) { if ($null -ne $item) { $records.Add($item) } }
        }
    }

    end {
        $pathOf = { param($p) $ExecutionContext.SessionState.Path.GetUnresolvedProviderPathFromPSPath($p) }
        if ($PSCmdlet.ParameterSetName -eq 'InputObject' -and $records.Count -eq 0) { return }
        $outFolder = & $pathOf $OutputPath
        $inventoryFile = $null
        if ($InventoryPath) {
            $inventoryFile = & $pathOf $InventoryPath
            if (-not (Test-Path -LiteralPath $inventoryFile -PathType Leaf)) {
                $PSCmdlet.ThrowTerminatingError((New-ExTlsErrorRecord -Message "The inventory file '$InventoryPath' was not found." -ErrorId 'ExTls.InventoryNotFound' -Category ObjectNotFound -TargetObject $InventoryPath -ExceptionType 'System.IO.FileNotFoundException'))
            }
            $what = "Write runbooks, remediation and rollback scripts and the fleet report for the servers in $inventoryFile"
        } elseif ($PSCmdlet.ParameterSetName -eq 'Findings') {
            $what = "Write runbooks, remediation and rollback scripts and the fleet report for the findings in $(& $pathOf $FindingsPath)"
        } else {
            $what = "Write runbooks, remediation and rollback scripts and the fleet report for $($records.Count) server(s)"
        }
        if (-not $PSCmdlet.ShouldProcess($outFolder, $what)) { return }

        try {
            $cli = Resolve-ExTlsCli
        } catch {
            $PSCmdlet.ThrowTerminatingError((New-ExTlsErrorRecord -Message $_.Exception.Message -ErrorId 'ExTls.CliNotFound' -Category ObjectNotFound -TargetObject 'extls' -ExceptionType 'System.IO.FileNotFoundException'))
        }

        $inventoryText = ''
        try {
            # with -FindingsPath alone extls reads only that document (--findings), nothing on stdin
            if ($PSCmdlet.ParameterSetName -ne 'Findings') { $inventoryText = Get-ExTlsInventoryInput -Path $inventoryFile -InputObject $records.ToArray() -Cli $cli }
        } catch {
            $PSCmdlet.ThrowTerminatingError((New-ExTlsErrorRecord -Message $_.Exception.Message -ErrorId 'ExTls.InvalidInput' -Category InvalidArgument -TargetObject $InventoryPath))
        }
        if (-not (Test-Path -LiteralPath $outFolder -PathType Container)) {
            $null = New-Item -ItemType Directory -Path $outFolder -Force -WhatIf:$false -Confirm:$false
        }
        # The inventory goes on stdin ("-"); the output folder, policy names/files and the template folder are single
        # argv elements (ArgumentList / escaped), written as --name=value so no value can be read as another option.
        $arguments = New-Object System.Collections.Generic.List[string]
        $arguments.Add('runbooks')
        $arguments.Add("--out=$outFolder")
        foreach ($p in $Policy) {
            $candidate = & $pathOf $p
            if (Test-Path -LiteralPath $candidate -PathType Leaf) { $p = $candidate }
            $arguments.Add("--policy=$p")
        }
        if ($TemplatePath) { $arguments.Add('--templates=' + (& $pathOf $TemplatePath)) }
        if ($WaveSize -gt 0) { $arguments.Add('--wave-size=' + $WaveSize) }
        foreach ($pair in @(@('--probes', $ProbePath), @('--findings', $FindingsPath))) {
            if ($pair[1]) { $arguments.Add($pair[0] + '=' + (& $pathOf $pair[1])) }
        }
        # What was written comes back as JSON on stdout: no stderr prose or file times to read.
        # Progress as JSON events on stderr; the warnings come from the JSON result below, so its warn events are verbose.
        foreach ($a in '--format=json', '--progress=json', '--', '-') { $arguments.Add($a) }
        $activity = 'extls runbooks'
        $result = Invoke-ExTlsCliCommand -Argument $arguments.ToArray() -InputText $inventoryText -Cli $cli `
            -WorkingDirectory $PSCmdlet.SessionState.Path.CurrentFileSystemLocation.ProviderPath -Progress (New-ExTlsProgressState -Activity $activity)
        Write-Progress -Activity $activity -Completed
        $written = $null
        if ($result.ExitCode -eq 0 -or $result.ExitCode -eq 2) {
            try { $written = $result.StdOut | ConvertFrom-Json } catch { $written = $null }
        }
        if ($null -eq $written -or $null -eq $written.PSObject.Properties['files']) {
            $message = Get-ExTlsCliMessage -Command 'runbooks' -Result $result
            $PSCmdlet.ThrowTerminatingError((New-ExTlsErrorRecord -Message $message -ErrorId 'ExTls.CliFailed' -Category InvalidResult -TargetObject $outFolder))
        }
        foreach ($name in @(Get-ExTlsProperty $written 'notCollected' @())) {
            Write-Warning "$name was not collected: no runbook; it is listed in report.html and rollout.md."
        }
        foreach ($bad in @(Get-ExTlsProperty $written 'skipped' @())) {
            Write-Warning ("{0} was skipped, not a valid inventory record: {1}" -f $bad.server, (@($bad.messages) -join '; '))
        }

        $serverOf = @{}
        foreach ($r in @(Get-ExTlsProperty $written 'runbooks' @())) { $serverOf[[string]$r.folder] = [string]$r.server }
        foreach ($relative in @(Get-ExTlsProperty $written 'files' @())) {
            $full = Join-Path -Path $outFolder -ChildPath $relative
            if (-not (Test-Path -LiteralPath $full -PathType Leaf)) { continue }
            $file = Get-Item -LiteralPath $full
            $server = $null
            $parts = ([string]$relative) -split '/'
            if ($parts.Count -gt 1 -and $serverOf.ContainsKey($parts[0])) { $server = $serverOf[$parts[0]] }
            $file.PSObject.TypeNames.Insert(0, 'ExTls.RunbookFile')
            Add-Member -InputObject $file -MemberType NoteProperty -Name Server -Value $server -Force
            $file
        }
    }
}
