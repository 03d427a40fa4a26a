function Resolve-ExTlsCli {
    <#
    .SYNOPSIS
        Finds node and the extls CLI script, in this order: $env:EXTLS_CLI; bin/extls.js of the extls checkout the
        module lives in (ps/ExTls); the `extls` command on PATH (npm install -g extls). Node: $env:EXTLS_NODE or node
        on PATH.
    .DESCRIPTION
        An `extls` on PATH is npm's shim: a symbolic link to .../node_modules/extls/bin/extls.js (Linux, macOS) or
        extls.cmd/extls.ps1 beside node_modules\extls (Windows). The module runs that script with node itself, so
        arguments never go through cmd.exe.
    .OUTPUTS
        [pscustomobject] with Node, Script and Root (the package folder, parent of bin/).
    #>
    [CmdletBinding()]
    param()

    $script = $null
    if ($env:EXTLS_CLI) {
        $script = $env:EXTLS_CLI
        if (-not (Test-Path -LiteralPath $script -PathType Leaf)) {
            throw (New-Object System.IO.FileNotFoundException ("`$env:EXTLS_CLI points to '$script', which does not exist. Set it to the path of the extls package's bin/extls.js."))
        }
    }
    if (-not $script) {
        $checkout = Join-Path -Path $script:ModuleRoot -ChildPath (Join-Path -Path '..' -ChildPath (Join-Path -Path '..' -ChildPath (Join-Path -Path 'bin' -ChildPath 'extls.js')))
        if (Test-Path -LiteralPath $checkout -PathType Leaf) { $script = $checkout }
    }
    if (-not $script) { $script = Find-ExTlsCliOnPath }
    if (-not $script) {
        throw (New-Object System.IO.FileNotFoundException ("The extls CLI was not found. Install it with 'npm install -g extls' (or 'npm install -g .' in an extls checkout) so that 'extls' is on PATH, or set `$env:EXTLS_CLI to the path of its bin/extls.js."))
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
