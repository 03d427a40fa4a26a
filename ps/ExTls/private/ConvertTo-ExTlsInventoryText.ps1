function ConvertTo-ExTlsInventoryText {
    <#
    .SYNOPSIS
        An inventory document (schemas/inventory.schema.json) from record JSON lines, laid out like `extls inventory --out`.
    .EXAMPLE
        ConvertTo-ExTlsInventoryText -RecordJson $lines -OkCount 7 -Source 'Invoke-ExTlsInventory' -Cli (Resolve-ExTlsCli)
    #>
    [CmdletBinding()]
    [OutputType([string])]
    param(
        [Parameter(Mandatory)] [AllowEmptyCollection()] [string[]] $RecordJson,
        [Parameter(Mandatory)] [int] $OkCount,
        [Parameter(Mandatory)] [string] $Source,
        $Cli
    )
    $version = 'unknown'
    if ($Cli) {
        $package = Join-Path -Path $Cli.Root -ChildPath 'package.json'
        if (Test-Path -LiteralPath $package -PathType Leaf) {
            $v = Get-ExTlsProperty ([System.IO.File]::ReadAllText($package) | ConvertFrom-Json) 'version'
            if ($v) { $version = [string]$v }
        }
    }
    $nl = "`n"
    $sb = New-Object System.Text.StringBuilder
    [void]$sb.Append('{' + $nl)
    [void]$sb.Append('  "schemaVersion": 1,' + $nl)
    [void]$sb.Append('  "tool": { "name": "extls", "version": ' + (ConvertTo-Json -InputObject $version -Compress) + ' },' + $nl)
    [void]$sb.Append('  "createdAt": "' + [DateTime]::UtcNow.ToString('yyyy-MM-ddTHH:mm:ss.fffZ', [Globalization.CultureInfo]::InvariantCulture) + '",' + $nl)
    [void]$sb.Append('  "source": ' + (ConvertTo-Json -InputObject $Source -Compress) + ',' + $nl)
    [void]$sb.Append('  "servers": [')
    for ($i = 0; $i -lt $RecordJson.Count; $i++) {
        if ($i -gt 0) { [void]$sb.Append(',') }
        [void]$sb.Append($nl + $RecordJson[$i].Trim())
    }
    [void]$sb.Append($nl + '  ],' + $nl)
    [void]$sb.Append(('  "summary": {{"total":{0},"ok":{1},"failed":{2}}}' -f $RecordJson.Count, $OkCount, ($RecordJson.Count - $OkCount)) + $nl)
    [void]$sb.Append('}' + $nl)
    return $sb.ToString()
}
