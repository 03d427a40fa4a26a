function Get-ExTlsInventory {
    <#
    .SYNOPSIS
        Reads a saved inventory (inventory.json) back as ExTls.InventoryRecord objects, one per server, with CollectedAt.

    .DESCRIPTION
        Opens an inventory file written by Invoke-ExTlsInventory -OutFile or `extls inventory --out` and returns the
        same objects Invoke-ExTlsInventory returned when it was collected: Server, Status, Category, Message, Address,
        Transport, Dag, Site, Role, OS, OSBuild and ExchangeBuild ([version]), RebootPending, CollectedAt ([datetime],
        local time, when the server was read), DurationMs and InventoryPath. The whole record is in $_.Raw.Record.

        Nothing is contacted. The objects pipe into Get-ExTlsFinding, Get-ExTlsServerState, Get-ExTlsLegacyPeer and
        New-ExTlsRunbook like fresh ones. Files pipe in from Get-ChildItem (by FullName).

        A file that is not an inventory is a non-terminating error ('ExTls.InvalidInventory', the file as target);
        the other files are still read.

    .PARAMETER Path
        One or more inventory.json files. Takes FullName/PSPath from Get-ChildItem output.

    .EXAMPLE
        PS C:\> Get-ExTlsInventory -Path .\inventory.json | Where-Object Status -ne 'Ok'

        The servers that could not be read in the last run.

    .EXAMPLE
        PS C:\> Get-ChildItem \\fs01\extls\*.json | Get-ExTlsInventory | Sort-Object CollectedAt | Group-Object Server | ForEach-Object { $_.Group[-1] }

        The newest record of every server over a folder of monthly inventories.

    .EXAMPLE
        PS C:\> Get-ExTlsInventory .\inventory.json | Where-Object ExchangeBuild -lt ([version]'15.1.2507.6') | Select-Object Server, ExchangeBuild

        Servers below a given Exchange build: builds compare as versions, not as text.

    .INPUTS
        System.String, System.IO.FileInfo

    .OUTPUTS
        ExTls.InventoryRecord

    .LINK
        Invoke-ExTlsInventory

    .LINK
        Compare-ExTlsInventory
    #>
    [CmdletBinding()]
    [OutputType('ExTls.InventoryRecord')]
    param(
        [Parameter(Mandatory, Position = 0, ValueFromPipeline, ValueFromPipelineByPropertyName)]
        [Alias('FullName', 'PSPath', 'InventoryPath')]
        [ValidateNotNullOrEmpty()]
        [string[]] $Path
    )

    process {
        foreach ($p in $Path) {
            $file = $PSCmdlet.SessionState.Path.GetUnresolvedProviderPathFromPSPath($p)
            # Problems are reported per file, without throwing: -ErrorVariable sees one record per bad file.
            $problem = $null
            $doc = $null
            if (-not (Test-Path -LiteralPath $file -PathType Leaf)) {
                $problem = "The inventory file '$p' was not found."
            } else {
                try {
                    $doc = [System.IO.File]::ReadAllText($file, [System.Text.Encoding]::UTF8) | ConvertFrom-Json -ErrorAction Stop
                } catch {
                    $problem = "'$p' is not JSON: $($_.Exception.Message)"
                }
            }
            $servers = $null
            if (-not $problem) {
                # the wrong kind of file is named as such ("is a findings document"), never read as an empty inventory
                $kind = Get-ExTlsDocumentKind -Document $doc
                if ($kind -eq 'an inventory') { $servers = $doc.PSObject.Properties['servers'] }
                elseif ($kind) { $problem = "'$p' is $kind; give an inventory (written by Invoke-ExTlsInventory -OutFile or ``extls inventory --out``)." }
                else { $problem = "'$p' is not an extls inventory (no schemaVersion, source and servers)." }
            }
            if ($problem) {
                $PSCmdlet.WriteError((New-ExTlsErrorRecord -Message $problem -ErrorId 'ExTls.InvalidInventory' -Category InvalidData -TargetObject $p))
                continue
            }
            Write-Verbose "$file`: $(@($servers.Value).Count) servers"
            foreach ($record in @($servers.Value)) {
                if ($null -eq $record) { continue }
                ConvertTo-ExTlsInventoryRecord -Record $record -InventoryPath $file
            }
        }
    }
}
