# Lists PowerShell 7-only syntax in a script that must also run on Windows PowerShell 5.1, from the parser's
# AST (not text matching). Prints one JSON array of "line N: what" strings. Used by ps51-syntax.test.ts.
param([Parameter(Mandatory)][string]$Path)
$ErrorActionPreference = 'Stop'
$tokens = $null
$errors = $null
$ast = [System.Management.Automation.Language.Parser]::ParseFile($Path, [ref]$tokens, [ref]$errors)
$found = New-Object System.Collections.Generic.List[string]
foreach ($e in $errors) { $found.Add("line $($e.Extent.StartLineNumber): parse error: $($e.Message)") }
$nodes = $ast.FindAll({ $true }, $true)
foreach ($n in $nodes) {
    $line = $n.Extent.StartLineNumber
    $type = $n.GetType().Name
    if ($type -eq 'TernaryExpressionAst') { $found.Add("line ${line}: ternary a ? b : c") }
    elseif ($type -eq 'PipelineChainAst') { $found.Add("line ${line}: && / || pipeline chain") }
    elseif ($type -eq 'BinaryExpressionAst' -and $n.Operator -eq 'QuestionQuestion') { $found.Add("line ${line}: ?? operator") }
    elseif ($type -eq 'AssignmentStatementAst' -and $n.Operator -eq 'QuestionQuestionEquals') { $found.Add("line ${line}: ??= operator") }
    elseif (($type -eq 'MemberExpressionAst' -or $type -eq 'InvokeMemberExpressionAst' -or $type -eq 'IndexExpressionAst') -and $n.NullConditional) {
        $found.Add("line ${line}: ?. or ?[] operator")
    }
    elseif ($type -eq 'VariableExpressionAst' -and @('IsWindows', 'IsLinux', 'IsMacOS', 'IsCoreCLR') -contains $n.VariablePath.UserPath) {
        $found.Add("line ${line}: `$$($n.VariablePath.UserPath) does not exist on 5.1")
    }
    elseif ($type -eq 'CommandAst') {
        $name = $n.GetCommandName()
        $params = @($n.CommandElements | Where-Object { $_ -is [System.Management.Automation.Language.CommandParameterAst] } | ForEach-Object { $_.ParameterName })
        if (@('ForEach-Object', '%', 'foreach') -contains $name -and ($params | Where-Object { 'Parallel' -like "$_*" -and $_.Length -ge 2 })) {
            $found.Add("line ${line}: ForEach-Object -Parallel")
        }
        if ($name -eq 'ConvertFrom-Json' -and ($params | Where-Object { 'AsHashtable' -like "$_*" })) { $found.Add("line ${line}: ConvertFrom-Json -AsHashtable") }
    }
}
ConvertTo-Json -InputObject @($found.ToArray()) -Compress
