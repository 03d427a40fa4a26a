function Get-ExTlsFinding {
    <#
    .SYNOPSIS
        Judges an inventory against TLS policies and returns one object per finding: what each server must change, why, and what blocks it.

    .DESCRIPTION
        Runs `extls analyze` on an inventory (a file written by Invoke-ExTlsInventory -OutFile or `extls inventory --out`,
        or the objects of Invoke-ExTlsInventory piped straight in) and returns ExTls.Finding objects: Server, Severity
        (critical, high, medium, low, info), Id, Title, Explanation, Policies, Changes (registry value: current ->
        desired), RestartRequired, Blockers and Evidence. A server that could not be read gives one
        COLLECTION-FAILED finding. Fleet findings (for example DAG members configured differently) come out too,
        with Scope 'Fleet' and the group in Server.

        The inventory is handed to extls on its standard input; nothing is written to disk.

        Records that are not valid inventory records are reported as non-terminating errors
        (ErrorId 'ExTls.InvalidRecord', TargetObject the server name); the others are still judged.
        With -EnableException they throw.

    .PARAMETER InventoryPath
        An inventory.json file (schemas/inventory.schema.json).

    .PARAMETER InputObject
        Inventory records from the pipeline: the output of Invoke-ExTlsInventory, or the servers of an inventory.json
        read with ConvertFrom-Json.

    .PARAMETER Policy
        Policies to judge against: tls12-ready (phase 1, the default), legacy-off (phase 2: TLS 1.0/1.1 off) or the
        path of a policy JSON file (schemas/policy.schema.json). Several may be given.

    .PARAMETER Severity
        Only return findings of these severities.

    .PARAMETER ReferenceTime
        Judge product support (end-of-support dates) as of this time instead of now.

    .PARAMETER EnableException
        Throw terminating errors for invalid records instead of writing non-terminating errors.

    .EXAMPLE
        PS C:\> Get-ExTlsFinding -InventoryPath .\inventory.json

        All findings of a saved inventory against the tls12-ready policy, as a table of Server, Severity, Id and Title.

    .EXAMPLE
        PS C:\> Get-ExchangeServer | Invoke-ExTlsInventory | Get-ExTlsFinding -Severity critical, high | Sort-Object Server

        Reads every Exchange server and shows only what must be fixed before TLS 1.0/1.1 can go.

    .EXAMPLE
        PS C:\> Get-ExTlsFinding -InventoryPath .\inventory.json -Policy legacy-off | Where-Object RestartRequired | Group-Object Server | Select-Object Name, Count

        Phase 2: which servers need a restart to turn TLS 1.0 and 1.1 off, and how many findings each has.

    .EXAMPLE
        PS C:\> Get-ExTlsFinding -InventoryPath .\inventory.json -Policy .\policies\contoso.json |
        >>     Select-Object Server, Severity, Id, @{ n = 'Changes'; e = { ($_.Changes | ForEach-Object { "$($_.name): $($_.currentDisplay) -> $($_.desiredDisplay)" }) -join '; ' } } |
        >>     Export-Csv .\changes.csv -NoTypeInformation -Encoding UTF8

        Judges against your own policy file and exports every registry change per server for the change request.

    .INPUTS
        ExTls.InventoryRecord

    .OUTPUTS
        ExTls.Finding

    .LINK
        Invoke-ExTlsInventory

    .LINK
        New-ExTlsRunbook
    #>
    [CmdletBinding(DefaultParameterSetName = 'InputObject')]
    [OutputType('ExTls.Finding')]
    param(
        [Parameter(Mandatory, Position = 0, ParameterSetName = 'Path')]
        [ValidateNotNullOrEmpty()]
        [string] $InventoryPath,

        [Parameter(Mandatory, ValueFromPipeline, ParameterSetName = 'InputObject')]
        [object[]] $InputObject,

        [ValidateNotNullOrEmpty()]
        [string[]] $Policy,

        [ValidateSet('critical', 'high', 'medium', 'low', 'info')]
        [string[]] $Severity,

        [datetime] $ReferenceTime,

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
        try {
            $cli = Resolve-ExTlsCli
            $path = $null
            if ($InventoryPath) { $path = & $pathOf $InventoryPath }
            $inventoryText = Get-ExTlsInventoryInput -Path $path -InputObject $records.ToArray() -Cli $cli
        } catch {
            $PSCmdlet.ThrowTerminatingError((New-ExTlsErrorRecord -Message $_.Exception.Message -ErrorId 'ExTls.InvalidInput' -Category InvalidArgument -TargetObject $InventoryPath))
        }

        $arguments = New-Object System.Collections.Generic.List[string]
        foreach ($a in 'analyze', '--format', 'json') { $arguments.Add($a) }
        foreach ($p in $Policy) {
            # A policy file is given by its full path; a built-in policy by its name. One argv element each.
            $candidate = & $pathOf $p
            if (Test-Path -LiteralPath $candidate -PathType Leaf) { $p = $candidate }
            $arguments.Add("--policy=$p")
        }
        if ($PSBoundParameters.ContainsKey('ReferenceTime')) {
            $arguments.Add('--reference-time=' + $ReferenceTime.ToUniversalTime().ToString('yyyy-MM-ddTHH:mm:ssZ', [Globalization.CultureInfo]::InvariantCulture))
        }
        $arguments.Add('-')

        $result = Invoke-ExTlsCliCommand -Argument $arguments.ToArray() -InputText $inventoryText -Cli $cli `
            -WorkingDirectory $PSCmdlet.SessionState.Path.CurrentFileSystemLocation.ProviderPath
        $doc = $null
        if ($result.StdOut.Trim()) {
            try { $doc = $result.StdOut | ConvertFrom-Json } catch { $doc = $null }
        }
        if ($null -eq $doc -or $null -eq $doc.PSObject.Properties['servers']) {
            $message = Get-ExTlsCliMessage -Command 'analyze' -Result $result
            $PSCmdlet.ThrowTerminatingError((New-ExTlsErrorRecord -Message $message -ErrorId 'ExTls.CliFailed' -Category InvalidArgument -TargetObject $InventoryPath))
        }

        foreach ($server in @(Get-ExTlsProperty $doc 'servers' @())) {
            foreach ($finding in @(Get-ExTlsProperty $server 'findings' @())) {
                if ($Severity -and $Severity -notcontains [string]$finding.severity) { continue }
                [pscustomobject]@{
                    PSTypeName      = 'ExTls.Finding'
                    Server          = [string]$server.server
                    Severity        = [string]$finding.severity
                    Id              = [string]$finding.id
                    Title           = [string]$finding.title
                    Scope           = 'Server'
                    Category        = Get-ExTlsProperty $finding 'category'
                    Explanation     = Get-ExTlsProperty $finding 'explanation'
                    Policies        = @(Get-ExTlsProperty $finding 'policies' @())
                    Changes         = @(Get-ExTlsProperty $finding 'changes' @())
                    RestartRequired = [bool](Get-ExTlsProperty $finding 'restartRequired' $false)
                    Blockers        = @(Get-ExTlsProperty $finding 'blockers' @())
                    Evidence        = @(Get-ExTlsProperty $finding 'evidence' @())
                    Status          = Get-ExTlsProperty $server 'status'
                    Dag             = Get-ExTlsProperty $server 'groups', 'dag'
                    Site            = Get-ExTlsProperty $server 'groups', 'site'
                    Role            = Get-ExTlsProperty $server 'groups', 'role'
                    Servers         = @([string]$server.server)
                    Finding         = $finding
                }
            }
        }
        foreach ($finding in @(Get-ExTlsProperty $doc 'fleetFindings' @())) {
            if ($Severity -and $Severity -notcontains [string]$finding.severity) { continue }
            $group = Get-ExTlsProperty $finding 'group'
            [pscustomobject]@{
                PSTypeName      = 'ExTls.Finding'
                Server          = ('{0} {1}' -f (Get-ExTlsProperty $group 'kind'), (Get-ExTlsProperty $group 'name')).Trim()
                Severity        = [string]$finding.severity
                Id              = [string]$finding.id
                Title           = [string]$finding.title
                Scope           = 'Fleet'
                Category        = $null
                Explanation     = Get-ExTlsProperty $finding 'explanation'
                Policies        = @()
                Changes         = @()
                RestartRequired = $false
                Blockers        = @()
                Evidence        = @(Get-ExTlsProperty $finding 'differences' @())
                Status          = $null
                Dag             = $null
                Site            = $null
                Role            = $null
                Servers         = @(Get-ExTlsProperty $finding 'servers' @())
                Finding         = $finding
            }
        }

        foreach ($bad in @(Get-ExTlsProperty $doc 'inputErrors' @())) {
            $messages = @(Get-ExTlsProperty $bad 'messages' @()) -join '; '
            $er = New-ExTlsErrorRecord -Message ("{0}: not a valid inventory record, not judged: {1}" -f $bad.server, $messages) `
                -ErrorId 'ExTls.InvalidRecord' -Category InvalidData -TargetObject ([string]$bad.server)
            if ($EnableException) { $PSCmdlet.ThrowTerminatingError($er) }
            $PSCmdlet.WriteError($er)
        }
    }
}
