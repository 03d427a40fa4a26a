function Find-ExTlsCliOnPath {
    <#
    .SYNOPSIS
        The bin/extls.js behind an `extls` command on PATH (npm's global install), or $null.
    .EXAMPLE
        Find-ExTlsCliOnPath
    #>
    [CmdletBinding()]
    [OutputType([string])]
    param()
    foreach ($command in @(Get-Command -Name 'extls' -CommandType Application, ExternalScript -ErrorAction SilentlyContinue)) {
        $path = $command.Source
        if (-not $path) { continue }
        $candidates = New-Object System.Collections.Generic.List[string]
        # a symbolic link (npm on Linux and macOS) points at the script itself
        $item = Get-Item -LiteralPath $path -ErrorAction SilentlyContinue
        if ($item -and $item.PSObject.Properties['Target'] -and $item.Target) {
            foreach ($t in @($item.Target)) { $candidates.Add([System.IO.Path]::GetFullPath((Join-Path -Path (Split-Path -Path $path -Parent) -ChildPath ([string]$t)))) }
        }
        $folder = Split-Path -Path $path -Parent
        # npm on Windows: extls.cmd / extls.ps1 next to node_modules\extls; on Unix: <prefix>/bin next to <prefix>/lib/node_modules
        $candidates.Add((Join-Path -Path $folder -ChildPath 'node_modules/extls/bin/extls.js'))
        $candidates.Add((Join-Path -Path (Split-Path -Path $folder -Parent) -ChildPath 'lib/node_modules/extls/bin/extls.js'))
        $candidates.Add($path)
        foreach ($c in $candidates) {
            if ($c -like '*.js' -and (Test-Path -LiteralPath $c -PathType Leaf)) { return $c }
        }
    }
    return $null
}
