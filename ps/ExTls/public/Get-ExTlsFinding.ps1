function Get-ExTlsFinding {
    <#
    .SYNOPSIS
        Judges an inventory against TLS policies and returns one object per finding: what each server must change, why, and what blocks it.

    .DESCRIPTION
        Runs `extls analyze` on an inventory (a file written by Invoke-ExTlsInventory -OutFile or `extls inventory --out`,
        or the objects of Invoke-ExTlsInventory piped straight in) and returns ExTls.Finding objects: Server, Severity
        (critical, high, medium, low, info) and SeverityRank (4 to 0: Sort-Object SeverityRank -Descending puts
        critical first), Id, Title, Explanation, Policies, Changes (registry value: current -> desired, as text),
        ChangeCount, RestartRequired, Blockers and Evidence (text), Connector and Causes (mail-flow findings: the
        connector, and the findings that explain the failure) and Verdicts (the server's, as Get-ExTlsServerState
        shows them). `extls analyze --format csv` uses the same column names. A server that could not be read gives one
        COLLECTION-FAILED finding. Fleet findings (for example DAG members configured differently) are objects of
        their own, ExTls.FleetFinding: Group ('DAG DAG01'), GroupKind, GroupName, Severity, SeverityRank, Id,
        Title, Explanation, Servers and Differences. The raw finding is in $_.Raw.Finding (not a property, so
        Export-Csv and ConvertTo-Json stay flat).

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

    .PARAMETER ProbePath
        Results of Test-ExTlsSmtpTls -AsExchangeOnline -OutFile (or `extls probe --as exchange-online --format json`):
        a server Exchange Online cannot deliver to gets a critical EXO-CANNOT-DELIVER finding (`extls analyze --probes`).

    .PARAMETER OutFile
        Also write the findings document (schemas/findings.schema.json; `extls analyze --out`) to this file, for
        New-ExTlsRunbook -FindingsPath and `extls runbooks --findings`: the runbooks then render exactly what was
        reviewed. Its folder must exist.

    .PARAMETER EnableException
        Throw terminating errors for invalid records instead of writing non-terminating errors.

    .EXAMPLE
        PS C:\> Get-ExTlsFinding -InventoryPath .\inventory.json

        All findings of a saved inventory against the tls12-ready policy, as a table of Server, Severity, Id and Title.

    .EXAMPLE
        PS C:\> Get-ExTlsFinding -InventoryPath .\inventory.json | Sort-Object SeverityRank, Server -Descending | Select-Object -First 10

        The ten worst findings of the fleet, critical first.

    .EXAMPLE
        PS C:\> Get-ExTlsFinding -InventoryPath .\inventory.json | Where-Object { $_ -is [pscustomobject] -and $_.PSObject.TypeNames -contains 'ExTls.FleetFinding' } | Format-List Group, Title, Differences

        DAG or site members configured differently: the group, and which setting differs between which servers.

    .EXAMPLE
        PS C:\> Get-ExchangeServer | Invoke-ExTlsInventory | Get-ExTlsFinding -Severity critical, high | Sort-Object Server

        Reads every Exchange server and shows only what must be fixed before TLS 1.0/1.1 can go.

    .EXAMPLE
        PS C:\> Get-ExTlsFinding -InventoryPath .\inventory.json -Policy legacy-off | Where-Object RestartRequired | Group-Object Server | Select-Object Name, Count

        Phase 2: which servers need a restart to turn TLS 1.0 and 1.1 off, and how many findings each has.

    .EXAMPLE
        PS C:\> Get-ExTlsFinding -InventoryPath .\inventory.json -Policy .\policies\contoso.json |
        >>     Where-Object ChangeCount | Select-Object Server, Severity, Id, Changes | Export-Csv .\changes.csv -NoTypeInformation -Encoding UTF8

        Judges against your own policy file and exports every registry change per server for the change request.

    .EXAMPLE
        PS C:\> Test-ExTlsSmtpTls -FleetFile .\fleet.yaml -AsExchangeOnline -OutFile .\probes.json | Out-Null
        PS C:\> Get-ExTlsFinding -InventoryPath .\inventory.json -ProbePath .\probes.json -OutFile .\findings.json | Where-Object Id -eq 'EXO-CANNOT-DELIVER'
        PS C:\> New-ExTlsRunbook -FindingsPath .\findings.json -OutputPath .\runbooks

        Adds what Exchange Online's own handshake saw to the judgement, keeps the reviewed findings, and renders the
        runbooks from exactly that document.

    .INPUTS
        ExTls.InventoryRecord

    .OUTPUTS
        ExTls.Finding, ExTls.FleetFinding

    .LINK
        Invoke-ExTlsInventory

    .LINK
        New-ExTlsRunbook
    #>
    [CmdletBinding(DefaultParameterSetName = 'InputObject')]
    [OutputType('ExTls.Finding', 'ExTls.FleetFinding')]
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

        [ValidateNotNullOrEmpty()]
        [string] $ProbePath,

        [ValidateNotNullOrEmpty()]
        [string] $OutFile,

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
        if ($PSCmdlet.ParameterSetName -eq 'InputObject' -and $records.Count -eq 0) { return }
        $analysis = @{ Cmdlet = $PSCmdlet; InventoryPath = $InventoryPath; InputObject = $records.ToArray(); Policy = $Policy; EnableException = $EnableException }
        if ($PSBoundParameters.ContainsKey('ReferenceTime')) { $analysis.ReferenceTime = $ReferenceTime }
        foreach ($p in 'ProbePath', 'OutFile') { if ($PSBoundParameters.ContainsKey($p)) { $analysis[$p] = $PSBoundParameters[$p] } }
        $doc = Invoke-ExTlsAnalysis @analysis
        ConvertTo-ExTlsFindingObject -Document $doc -Severity $Severity
    }
}
