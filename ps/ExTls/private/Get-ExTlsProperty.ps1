function Get-ExTlsProperty {
    <#
    .SYNOPSIS
        A property of a parsed JSON object, or a default when the object or the property is missing (StrictMode safe).
    .EXAMPLE
        Get-ExTlsProperty -InputObject $record -Path 'data', 'os', 'productName'
    #>
    [CmdletBinding()]
    param(
        [AllowNull()] $InputObject,
        [Parameter(Mandatory)] [string[]] $Path,
        [AllowNull()] $Default = $null
    )
    $current = $InputObject
    foreach ($name in $Path) {
        if ($null -eq $current) { return $Default }
        if ($current -is [System.Collections.IDictionary]) {
            if (-not $current.Contains($name)) { return $Default }
            $current = $current[$name]
            continue
        }
        $property = $current.PSObject.Properties[$name]
        if ($null -eq $property) { return $Default }
        $current = $property.Value
    }
    if ($null -eq $current) { return $Default }
    # Arrays are written to the pipeline element by element: wrap the call in @() where a list is expected.
    return $current
}
