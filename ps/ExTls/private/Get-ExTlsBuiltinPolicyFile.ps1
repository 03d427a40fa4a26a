function Get-ExTlsBuiltinPolicyFile {
    <#
    .SYNOPSIS
        The built-in policy files that ship with the extls CLI (<package>/policies/*.json), sorted by name.
    .EXAMPLE
        Get-ExTlsBuiltinPolicyFile
    #>
    [CmdletBinding()]
    [OutputType([string])]
    param()
    $cli = Resolve-ExTlsCli
    $folder = Join-Path -Path $cli.Root -ChildPath 'policies'
    if (-not (Test-Path -LiteralPath $folder -PathType Container)) { return }
    @(Get-ChildItem -LiteralPath $folder -Filter '*.json' -File | Sort-Object Name | ForEach-Object { $_.FullName })
}
