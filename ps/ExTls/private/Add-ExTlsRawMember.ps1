function Add-ExTlsRawMember {
    <#
    .SYNOPSIS
        Attaches the raw extls data to an output object as the member set 'Raw' ($obj.Raw.Record, $obj.Raw.Json).
    .DESCRIPTION
        A member set is not a property: Export-Csv, ConvertTo-Json and Format-List * see only the flat, readable
        properties, while scripts still reach the whole record. Returns the object.
    .EXAMPLE
        Add-ExTlsRawMember -InputObject $item -Member @{ Record = $record; Json = $line }
    #>
    [CmdletBinding()]
    param([Parameter(Mandatory)] $InputObject, [Parameter(Mandatory)] [System.Collections.IDictionary] $Member)
    $notes = foreach ($key in $Member.Keys) { New-Object System.Management.Automation.PSNoteProperty ([string]$key, $Member[$key]) }
    $set = New-Object System.Management.Automation.PSMemberSet ('Raw', [System.Management.Automation.PSMemberInfo[]]@($notes))
    $InputObject.PSObject.Members.Add($set)
    $InputObject
}
