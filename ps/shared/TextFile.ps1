# Writing a whole text file so that a crash never leaves half of it: a temporary file beside it, then a rename
# (File.Replace keeps the old file's attributes and ACL). Windows PowerShell 5.1 compatible.
function Write-ExTlsTextFile {
    param([string]$Path, [string]$Text, [Text.Encoding]$Encoding)
    $tmp = $Path + '.extls-tmp'
    [IO.File]::WriteAllText($tmp, $Text, $Encoding)
    if ([IO.File]::Exists($Path)) { [IO.File]::Replace($tmp, $Path, [NullString]::Value) } else { [IO.File]::Move($tmp, $Path) }
}
