# ExTls: the extls CLI from PowerShell. Works on Windows PowerShell 5.1 and PowerShell 7.
# One public function per file in public/, helpers in private/; the manifest exports exactly the public ones.
Set-StrictMode -Version 2

$script:ModuleRoot = $PSScriptRoot

foreach ($folder in @('private', 'public')) {
    $path = Join-Path -Path $PSScriptRoot -ChildPath $folder
    if (-not (Test-Path -LiteralPath $path)) { continue }
    foreach ($file in @(Get-ChildItem -LiteralPath $path -Filter '*.ps1' -File | Sort-Object -Property Name)) {
        . $file.FullName
    }
}

# -Policy completes the built-in policy ids (Get-ExTlsPolicy); a policy file path can still be typed in full.
$policyCompleter = {
    param($commandName, $parameterName, $wordToComplete, $commandAst, $fakeBoundParameters)
    $null = $commandName, $parameterName, $commandAst, $fakeBoundParameters
    $policies = @()
    try { $policies = @(Get-ExTlsPolicy -ErrorAction SilentlyContinue) } catch { $policies = @() }
    foreach ($p in $policies) {
        if ($p.Id -like "$wordToComplete*") {
            New-Object System.Management.Automation.CompletionResult ($p.Id, $p.Id, 'ParameterValue', [string]$p.Title)
        }
    }
}
Register-ArgumentCompleter -CommandName 'Get-ExTlsFinding', 'Get-ExTlsServerState', 'Compare-ExTlsInventory', 'New-ExTlsRunbook' -ParameterName 'Policy' -ScriptBlock $policyCompleter
