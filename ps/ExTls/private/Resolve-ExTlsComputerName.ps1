function Resolve-ExTlsComputerName {
    <#
    .SYNOPSIS
        The server name an input object stands for: a string as it is, else the first of its properties Fqdn,
        DNSHostName, ComputerName, ServerName, Server, Name, PSComputerName, Identity that holds a name.
    .DESCRIPTION
        ServerName and Server come before Name: on Get-Mailbox, Get-MailboxDatabase or Get-ReceiveConnector output,
        Name is the mailbox, database or connector and Server the Exchange server it lives on. An object with none of
        these properties (or only nested objects in them) is refused with an ArgumentException that names what was
        looked for: it is never turned into '@{...}' text and sent off as a host name.
    .EXAMPLE
        Resolve-ExTlsComputerName -InputObject (Get-ExchangeServer EX01)
    #>
    [CmdletBinding()]
    [OutputType([string])]
    param([Parameter(Mandatory)] [AllowNull()] $InputObject)

    if ($null -eq $InputObject) { return $null }
    $base = $InputObject
    if ($base -is [System.Management.Automation.PSObject]) { $base = $base.PSObject.BaseObject }
    if ($base -is [string]) { return ([string]$base).Trim() }

    $names = 'Fqdn', 'DNSHostName', 'ComputerName', 'ServerName', 'Server', 'Name', 'PSComputerName', 'Identity'
    foreach ($name in $names) {
        $value = $null
        if ($InputObject -is [System.Collections.IDictionary]) {
            if ($InputObject.Contains($name)) { $value = $InputObject[$name] }
        } else {
            $property = $InputObject.PSObject.Properties[$name]
            if ($null -ne $property) { $value = $property.Value }
        }
        if ($null -eq $value) { continue }
        $inner = $value
        if ($inner -is [System.Management.Automation.PSObject]) { $inner = $inner.PSObject.BaseObject }
        # Nested data (a hashtable, a list, a custom object) is not a name.
        if ($inner -is [System.Collections.IDictionary] -or $inner -is [System.Management.Automation.PSCustomObject]) { continue }
        if ($inner -is [System.Collections.IEnumerable] -and $inner -isnot [string]) { continue }
        $text = ([string]$value).Trim()
        if ($text -and -not $text.StartsWith('@{')) { return $text }
    }

    $typeName = @($InputObject.PSObject.TypeNames)[0]
    $have = @($InputObject.PSObject.Properties | Select-Object -First 8 | ForEach-Object { $_.Name }) -join ', '
    if (-not $have) { $have = 'none' }
    throw (New-Object System.ArgumentException ("An input object of type '{0}' names no server: it has none of the properties {1} (its properties: {2}). Pipe server names, or objects with one of those properties." -f $typeName, ($names -join ', '), $have))
}
