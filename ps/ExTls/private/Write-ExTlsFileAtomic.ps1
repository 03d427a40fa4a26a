function Write-ExTlsFileAtomic {
    <#
    .SYNOPSIS
        Writes text as UTF-8 (no BOM) through a temporary file in the same folder, then moves it into place:
        readers see the old file or the whole new one, never half.
    .EXAMPLE
        Write-ExTlsFileAtomic -Path 'C:\extls\inventory.json' -Text $json
    #>
    [CmdletBinding()]
    param([Parameter(Mandatory)] [string] $Path, [Parameter(Mandatory)] [AllowEmptyString()] [string] $Text)
    $folder = Split-Path -Path $Path -Parent
    if ($folder -and -not (Test-Path -LiteralPath $folder -PathType Container)) {
        throw (New-Object System.IO.DirectoryNotFoundException "The folder '$folder' does not exist.")
    }
    $temp = Join-Path -Path $folder -ChildPath ('.{0}.{1}.tmp' -f (Split-Path -Path $Path -Leaf), [guid]::NewGuid().ToString('N'))
    try {
        [System.IO.File]::WriteAllText($temp, $Text, (New-Object System.Text.UTF8Encoding $false))
        if (Test-Path -LiteralPath $Path -PathType Leaf) {
            [System.IO.File]::Replace($temp, $Path, [NullString]::Value)
        } else {
            [System.IO.File]::Move($temp, $Path)
        }
    } finally {
        if (Test-Path -LiteralPath $temp) { Remove-Item -LiteralPath $temp -Force -ErrorAction SilentlyContinue }
    }
}
