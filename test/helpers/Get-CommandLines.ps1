# Every command in the ```powershell blocks of the given Markdown files, as PowerShell's own parser reads it:
# name, elements (parameters with their arguments, positional values), place in its pipeline. Variables assigned
# a constant string in the same block ($server = 'EX01') are resolved, so a value given through one is checked too.
# Prints one JSON document on stdout.
param([Parameter(ValueFromRemainingArguments = $true)][string[]]$Path)
$ErrorActionPreference = 'Stop'
$out = New-Object System.Collections.Generic.List[object]
foreach ($file in $Path) {
    $lines = [System.IO.File]::ReadAllLines($file)
    $block = $null; $start = 0
    for ($i = 0; $i -lt $lines.Count; $i++) {
        $l = $lines[$i]
        if ($null -eq $block) {
            if ($l -match '^\s*```powershell\s*$') { $block = New-Object System.Collections.Generic.List[string]; $start = $i + 2 }
            continue
        }
        if ($l -notmatch '^\s*```\s*$') { $block.Add($l); continue }
        $text = $block -join "`n"
        $block = $null
        $tokens = $null; $errors = $null
        $ast = [System.Management.Automation.Language.Parser]::ParseInput($text, [ref]$tokens, [ref]$errors)
        $vars = @{}
        foreach ($a in $ast.FindAll({ param($n) $n -is [System.Management.Automation.Language.AssignmentStatementAst] }, $true)) {
            $rhs = $a.Right
            if ($a.Left -is [System.Management.Automation.Language.VariableExpressionAst] -and $rhs -is [System.Management.Automation.Language.CommandExpressionAst] -and
                $rhs.Expression -is [System.Management.Automation.Language.StringConstantExpressionAst]) {
                $vars[$a.Left.VariablePath.UserPath.ToLowerInvariant()] = $rhs.Expression.Value
            }
        }
        $valueOf = {
            param($e)
            if ($null -eq $e) { return $null }
            if ($e -is [System.Management.Automation.Language.StringConstantExpressionAst]) { return @{ text = $e.Extent.Text; value = $e.Value; constant = $true } }
            if ($e -is [System.Management.Automation.Language.VariableExpressionAst]) {
                $k = $e.VariablePath.UserPath.ToLowerInvariant()
                if ($vars.ContainsKey($k)) { return @{ text = $e.Extent.Text; value = $vars[$k]; constant = $true } }
                return @{ text = $e.Extent.Text; value = $null; constant = $false }
            }
            return @{ text = $e.Extent.Text; value = $null; constant = $false }
        }
        foreach ($c in $ast.FindAll({ param($n) $n -is [System.Management.Automation.Language.CommandAst] }, $true)) {
            $elements = New-Object System.Collections.Generic.List[object]
            $first = $true
            foreach ($e in $c.CommandElements) {
                if ($first) { $first = $false; continue }
                if ($e -is [System.Management.Automation.Language.CommandParameterAst]) {
                    $elements.Add(@{ parameter = $e.ParameterName; argument = (& $valueOf $e.Argument); colon = ($null -ne $e.Argument) })
                } else {
                    $elements.Add(@{ parameter = $null; argument = (& $valueOf $e); colon = $false })
                }
            }
            $pipeline = $c.Parent
            $position = 0
            if ($pipeline -is [System.Management.Automation.Language.PipelineAst]) { $position = [array]::IndexOf(@($pipeline.PipelineElements), $c) }
            $out.Add(@{
                file = $file; line = $start + $c.Extent.StartLineNumber - 1; text = $c.Extent.Text
                name = $c.GetCommandName(); elements = $elements.ToArray(); pipelinePosition = $position
                parseErrors = @($errors | ForEach-Object { $_.Message })
            })
        }
        if ($errors.Count -gt 0 -and $ast.FindAll({ param($n) $n -is [System.Management.Automation.Language.CommandAst] }, $true).Count -eq 0) {
            $out.Add(@{ file = $file; line = $start; text = $text; name = $null; elements = @(); pipelinePosition = 0; parseErrors = @($errors | ForEach-Object { $_.Message }) })
        }
    }
}
ConvertTo-Json -InputObject $out.ToArray() -Depth 8 -Compress
