function New-ExTlsProcessStartInfo {
    <#
    .SYNOPSIS
        The ProcessStartInfo that runs the extls CLI with node: fixed arguments only, all three streams redirected,
        UTF-8 both ways. Secrets and data never go here; they are written to the child's stdin.
    .DESCRIPTION
        Kept separate from starting the process so tests can inspect exactly what the child is given
        (command line and environment). Uses ProcessStartInfo.ArgumentList where .NET has it (PowerShell 7)
        and an escaped Arguments string otherwise (Windows PowerShell 5.1).
    .EXAMPLE
        $psi = New-ExTlsProcessStartInfo -Argument 'inventory', '--fleet', '-', '--format', 'ndjson', '--progress', 'json'
    #>
    [CmdletBinding()]
    [OutputType([System.Diagnostics.ProcessStartInfo])]
    param(
        [Parameter(Mandatory)] [string[]] $Argument,
        [string] $WorkingDirectory,
        $Cli
    )
    if (-not $Cli) { $Cli = Resolve-ExTlsCli }

    $utf8 = New-Object System.Text.UTF8Encoding $false
    $psi = New-Object System.Diagnostics.ProcessStartInfo
    $psi.FileName = $Cli.Node
    $psi.UseShellExecute = $false
    $psi.CreateNoWindow = $true
    $psi.RedirectStandardInput = $true
    $psi.RedirectStandardOutput = $true
    $psi.RedirectStandardError = $true
    $psi.StandardOutputEncoding = $utf8
    $psi.StandardErrorEncoding = $utf8
    if ($WorkingDirectory) { $psi.WorkingDirectory = $WorkingDirectory }

    $all = @($Cli.Script) + @($Argument)
    if ($psi.PSObject.Properties['ArgumentList']) {
        foreach ($a in $all) { $psi.ArgumentList.Add([string]$a) }
    } else {
        $psi.Arguments = ConvertTo-ExTlsArgumentString -Argument $all
    }
    # Plain text for the data we parse: no colours, no terminal tricks. (Nothing secret goes in the environment.)
    $psi.EnvironmentVariables['NO_COLOR'] = '1'
    $psi.EnvironmentVariables['FORCE_COLOR'] = '0'
    return $psi
}
