function Get-ExTlsLegacyPeer {
    <#
    .SYNOPSIS
        Lists who still talks SMTP with TLS 1.0, TLS 1.1 or older to each server, from the protocol-log evidence of an inventory.

    .DESCRIPTION
        Reads the protocol-log peers the collector counted on each server (SMTP Receive and Send protocol logs) and
        returns one ExTls.LegacyPeer per server, connector, remote address and old protocol version: Server,
        Protocol (SMTP or HTTPS), Direction (receive or send), Service, Connector, RemoteAddress, RemoteName (the
        remote's EHLO/HELO name, or the name in its EHLO answer or banner; for HTTPS the user agent), TlsVersion,
        Sessions, LastSeen ([datetime]) and MailSessions (sessions that carried mail). HTTPS clients come from the IIS
        logs where they carry the crypt-protocol custom field (Service IIS, Connector the site's log folder W3SVCn,
        Sessions the requests). These are the partners, devices and applications to fix before TLS 1.0 and 1.1 are
        turned off.

        Nothing is contacted: the evidence comes from an inventory file or from inventory records piped in. Servers
        whose logs were not scanned give no objects; -Verbose says which.

    .PARAMETER InventoryPath
        An inventory.json file (Invoke-ExTlsInventory -OutFile, `extls inventory --out`).

    .PARAMETER InputObject
        Inventory records from the pipeline: the output of Invoke-ExTlsInventory or Get-ExTlsInventory.

    .EXAMPLE
        PS C:\> Get-ExTlsLegacyPeer -InventoryPath .\inventory.json | Format-Table

        Every peer that used TLS 1.0 or 1.1 in the scanned log window, per server and connector.

    .EXAMPLE
        PS C:\> Get-ExTlsLegacyPeer -InventoryPath .\inventory.json | Group-Object RemoteAddress | Sort-Object Count -Descending | Select-Object Name, Count

        Which remote addresses show up on the most servers: the partner to call first.

    .EXAMPLE
        PS C:\> Get-ExTlsInventory .\inventory.json | Where-Object Dag -eq 'DAG01' | Get-ExTlsLegacyPeer | Export-Csv .\legacy-peers.csv -NoTypeInformation

        The legacy peers of one DAG as a spreadsheet for the change request.

    .INPUTS
        ExTls.InventoryRecord

    .OUTPUTS
        ExTls.LegacyPeer

    .LINK
        Get-ExTlsServerState
    #>
    [CmdletBinding(DefaultParameterSetName = 'InputObject')]
    [OutputType('ExTls.LegacyPeer')]
    param(
        [Parameter(Mandatory, Position = 0, ParameterSetName = 'Path')]
        [ValidateNotNullOrEmpty()]
        [string] $InventoryPath,

        [Parameter(Mandatory, ValueFromPipeline, ParameterSetName = 'InputObject')]
        [object[]] $InputObject
    )

    begin {
        # what the peers of a protocol log count as old: everything below TLS 1.2 (raw SP_PROT tokens included)
        $modern = @('TLS 1.2', 'TLS 1.3')
        $emit = {
            param($record)
            $server = [string](Get-ExTlsProperty $record 'server')
            $logs = Get-ExTlsProperty $record 'data', 'protocolLogs'
            $status = Get-ExTlsProperty $logs 'status'
            $smtp = @()
            if ($status -ne 'scanned') {
                Write-Verbose "${server}: protocol logs not scanned ($(if ($status) { $status } else { 'not collected' }))"
            } else {
                $smtp = @(Get-ExTlsProperty $logs 'peers' @())
            }
            foreach ($peer in $smtp) {
                if ($null -eq $peer) { continue }
                $versions = Get-ExTlsProperty $peer 'tlsVersions'
                if ($null -eq $versions) { continue }
                foreach ($v in @($versions.PSObject.Properties)) {
                    if ($modern -contains $v.Name -or [int]$v.Value -le 0) { continue }
                    $item = [pscustomobject]@{
                        PSTypeName    = 'ExTls.LegacyPeer'
                        Server        = $server
                        Protocol      = 'SMTP'
                        Direction     = [string](Get-ExTlsProperty $peer 'direction')
                        Service       = Get-ExTlsProperty $peer 'service'
                        Connector     = Get-ExTlsProperty $peer 'connector'
                        RemoteAddress = Get-ExTlsProperty $peer 'remoteAddress'
                        RemoteName    = Get-ExTlsProperty $peer 'remoteName'
                        TlsVersion    = $v.Name
                        Sessions      = [int]$v.Value
                        MailSessions  = Get-ExTlsProperty $peer 'mailSessions'
                        LastSeen      = ConvertTo-ExTlsDateTime (Get-ExTlsProperty $peer 'tlsLastSeen', $v.Name)
                    }
                    Add-ExTlsRawMember -InputObject $item -Member @{ Peer = $peer }
                }
            }
            # HTTPS clients from the IIS logs (protocolLogs.https), read even where the SMTP logs were not
            $https = Get-ExTlsProperty $logs 'https'
            if ($null -ne $https -and (Get-ExTlsProperty $https 'status') -ne 'scanned') {
                Write-Verbose "${server}: IIS logs not scanned ($(Get-ExTlsProperty $https 'status'))"
            }
            if ($null -eq $https -or (Get-ExTlsProperty $https 'status') -ne 'scanned') { return }
            foreach ($client in @(Get-ExTlsProperty $https 'clients' @())) {
                if ($null -eq $client) { continue }
                $versions = Get-ExTlsProperty $client 'tlsVersions'
                if ($null -eq $versions) { continue }
                foreach ($v in @($versions.PSObject.Properties)) {
                    if ($modern -contains $v.Name -or [int]$v.Value -le 0) { continue }
                    $item = [pscustomobject]@{
                        PSTypeName    = 'ExTls.LegacyPeer'
                        Server        = $server
                        Protocol      = 'HTTPS'
                        Direction     = 'receive'
                        Service       = 'IIS'
                        Connector     = Get-ExTlsProperty $client 'site'
                        RemoteAddress = Get-ExTlsProperty $client 'remoteAddress'
                        RemoteName    = Get-ExTlsProperty $client 'remoteName'
                        TlsVersion    = $v.Name
                        Sessions      = [int]$v.Value
                        MailSessions  = $null
                        LastSeen      = ConvertTo-ExTlsDateTime (Get-ExTlsProperty $client 'tlsLastSeen', $v.Name)
                    }
                    Add-ExTlsRawMember -InputObject $item -Member @{ Peer = $client }
                }
            }
        }
    }

    process {
        if ($PSCmdlet.ParameterSetName -ne 'InputObject') { return }
        foreach ($item in $InputObject) {
            if ($null -eq $item) { continue }
            $record = $item
            if ($item.PSObject.Members['Raw'] -is [System.Management.Automation.PSMemberSet]) { $record = $item.Raw.Record }
            & $emit $record
        }
    }

    end {
        if ($PSCmdlet.ParameterSetName -ne 'Path') { return }
        foreach ($r in @(Get-ExTlsInventory -Path $InventoryPath -ErrorAction Stop)) { & $emit $r.Raw.Record }
    }
}
