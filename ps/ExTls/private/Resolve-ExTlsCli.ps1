function Resolve-ExTlsCli {
    <#
    .SYNOPSIS
        Finds node and the extls CLI script: $env:EXTLS_NODE or node on PATH; $env:EXTLS_CLI or ../../bin/extls.js beside the module.
    .OUTPUTS
        [pscustomobject] with Node, Script and Root (the package folder, parent of bin/).
    #>
    [CmdletBinding()]
    param()

    $script = $env:EXTLS_CLI
    if (-not $script) {
        $script = Join-Path -Path $script:ModuleRoot -ChildPath (Join-Path -Path '..' -ChildPath (Join-Path -Path '..' -ChildPath (Join-Path -Path 'bin' -ChildPath 'extls.js')))
    }
    if (-not (Test-Path -LiteralPath $script -PathType Leaf)) {
        throw (New-Object System.IO.FileNotFoundException ("The extls CLI was not found at '$script'. Set `$env:EXTLS_CLI to the path of bin/extls.js, or use the module from a built extls checkout (npm run build)."))
    }
    $script = (Resolve-Path -LiteralPath $script).ProviderPath

    $node = $env:EXTLS_NODE
    if ($node) {
        if (-not (Test-Path -LiteralPath $node -PathType Leaf)) {
            throw (New-Object System.IO.FileNotFoundException ("`$env:EXTLS_NODE points to '$node', which does not exist."))
        }
    } else {
        $command = Get-Command -Name 'node' -CommandType Application -ErrorAction SilentlyContinue | Select-Object -First 1
        if (-not $command) {
            throw (New-Object System.IO.FileNotFoundException 'Node.js (node) was not found on PATH. Install Node.js 20 or later, or set $env:EXTLS_NODE to node''s path.')
        }
        $node = $command.Path
    }

    [pscustomobject]@{
        Node   = $node
        Script = $script
        Root   = Split-Path -Path (Split-Path -Path $script -Parent) -Parent
    }
}
