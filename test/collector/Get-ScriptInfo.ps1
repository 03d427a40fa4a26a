# Prints a script's help synopsis and its parameters (name, position) as JSON. Used by ps51-syntax.test.ts.
param([Parameter(Mandatory)][string]$Path)
$ErrorActionPreference = 'Stop'
$cmd = Get-Command -Name $Path
$params = foreach ($p in $cmd.Parameters.Values) {
    foreach ($set in $p.ParameterSets.Values) {
        if ($set.Position -ge 0) { [ordered]@{ name = $p.Name; position = $set.Position } }
    }
}
ConvertTo-Json -Compress -Depth 5 -InputObject ([ordered]@{
        synopsis = [string](Get-Help -Name $Path).Synopsis
        params   = @($params | Sort-Object { $_.position })
    })
