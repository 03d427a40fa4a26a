# Reads {"files":[...]} on stdin; parses each file with PowerShell's parser (no file is run) and prints one JSON line:
# per file the commands with their parameters, the types and static members it names, the functions and classes it
# defines, and the syntax Windows PowerShell 5.1 does not have. scripts/check-ps51.mjs judges these facts.
$ErrorActionPreference = 'Stop'
Set-StrictMode -Version 3.0
$request = [Console]::In.ReadToEnd() | ConvertFrom-Json
$L = 'System.Management.Automation.Language'

function Get-Line($Ast) { return $Ast.Extent.StartLineNumber }

# 7-only syntax, by AST node: the node types exist only in PowerShell 7's parser, so they are matched by name.
function Get-SyntaxFinding($Node) {
    $type = $Node.GetType().Name
    switch ($type) {
        'TernaryExpressionAst' { return 'the ternary operator ?: (PowerShell 7)' }
        'PipelineChainAst' { return "the pipeline chain operator $($Node.Operator -replace 'AndAnd','&&' -replace 'OrOr','||') (PowerShell 7)" }
        'BinaryExpressionAst' {
            if ($Node.Operator.ToString() -eq 'QuestionQuestion') { return 'the null-coalescing operator ?? (PowerShell 7)' }
            if ($Node.Operator.ToString() -in 'Ireplace', 'Creplace' -and $Node.Right -is [System.Management.Automation.Language.ArrayLiteralAst] -and
                @($Node.Right.Elements | Where-Object { $_ -is [System.Management.Automation.Language.ScriptBlockExpressionAst] }).Count -gt 0) {
                return '-replace with a script block substitution (PowerShell 6)'
            }
        }
        'AssignmentStatementAst' {
            if ($Node.Operator.ToString() -eq 'QuestionQuestionEquals') { return 'the null-coalescing assignment ??= (PowerShell 7)' }
        }
        'MemberExpressionAst' { if ($Node.NullConditional) { return 'the null-conditional member access ?. (PowerShell 7)' } }
        'InvokeMemberExpressionAst' {
            if ($Node.NullConditional) { return 'the null-conditional member access ?. (PowerShell 7)' }
            if ($null -ne $Node.GenericTypeArguments -and $Node.GenericTypeArguments.Count -gt 0) {
                return 'a generic method call with type arguments, m[T]() (PowerShell 7.3)'
            }
        }
        'IndexExpressionAst' { if ($Node.NullConditional) { return 'the null-conditional index ?[] (PowerShell 7)' } }
        'PipelineAst' { if ($Node.Background) { return 'the background operator & at the end of a pipeline (PowerShell 6)' } }
        'NamedBlockAst' { if ($Node.BlockKind.ToString() -eq 'Clean') { return 'the clean block (PowerShell 7.3)' } }
        'ConstantExpressionAst' {
            # Numeric literal suffixes u, y, s, n and binary literals 0b came with PowerShell 6.2 and 7.
            if ($Node.Value -is [ValueType] -and $Node.Extent.Text -match '^(?i)(0b[01]+|(0x[0-9a-f]+|[0-9.]+(e[+-]?[0-9]+)?)(u|us|ul|uy|y|s|n)(kb|mb|gb|tb|pb)?)$') {
                return "the numeric literal $($Node.Extent.Text) (binary literals and the u/y/s/n suffixes are PowerShell 6.2+)"
            }
        }
    }
    return $null
}

$out = foreach ($file in $request.files) {
    $tokens = $null
    $errors = $null
    $ast = [System.Management.Automation.Language.Parser]::ParseFile($file, [ref]$tokens, [ref]$errors)
    $bytes = [System.IO.File]::ReadAllBytes($file)
    $bom = $bytes.Length -ge 3 -and $bytes[0] -eq 0xEF -and $bytes[1] -eq 0xBB -and $bytes[2] -eq 0xBF
    $nonAsciiLine = $null
    $lineNo = 1
    for ($i = 0; $i -lt $bytes.Length; $i++) {
        $b = $bytes[$i]
        if ($b -eq 10) { $lineNo++ } elseif ($b -ge 0x80 -and -not ($bom -and $i -lt 3)) { $nonAsciiLine = $lineNo; break }
    }

    $syntax = New-Object System.Collections.Generic.List[object]
    $commands = New-Object System.Collections.Generic.List[object]
    $types = New-Object System.Collections.Generic.List[object]
    $statics = New-Object System.Collections.Generic.List[object]
    $functions = New-Object System.Collections.Generic.List[string]
    $classes = New-Object System.Collections.Generic.List[string]
    $usings = New-Object System.Collections.Generic.List[string]
    $variables = New-Object System.Collections.Generic.List[object]
    $csharpNamespaces = New-Object System.Collections.Generic.List[string]
    $csharpMethods = New-Object System.Collections.Generic.List[string]
    $instanceCalls = New-Object System.Collections.Generic.List[object]
    $suppressed = New-Object System.Collections.Generic.List[int]
    $requiresLine = 1

    foreach ($t in $tokens) {
        if ($t.Kind.ToString() -eq 'Comment' -and $t.Text -match '^#requires\s') { $requiresLine = $t.Extent.StartLineNumber }
        if ($t.Kind.ToString() -eq 'Comment' -and $t.Text -match 'ps51-check:\s*allow') {
            $suppressed.Add($t.Extent.StartLineNumber)
        }
        # `u{...} escapes are PowerShell 6: 5.1 reads them as the letter u.
        if ($t.Kind.ToString() -in 'StringExpandable', 'HereStringExpandable' -and $t.Text -match '(^|[^`])(``)*`u\{') {
            $syntax.Add([ordered]@{ line = $t.Extent.StartLineNumber; what = 'the escape `u{...} (PowerShell 6)' })
        }
    }

    # #Requires -Version 6+ or -PSEdition Core: 5.1 refuses to run the script.
    $requires = $ast.ScriptRequirements
    if ($null -ne $requires) {
        if ($null -ne $requires.RequiredPSVersion -and $requires.RequiredPSVersion -gt [version]'5.1') {
            $syntax.Add([ordered]@{ line = $requiresLine; what = "#Requires -Version $($requires.RequiredPSVersion)" })
        }
        if (@($requires.RequiredPSEditions).Count -gt 0 -and @($requires.RequiredPSEditions) -notcontains 'Desktop') {
            $syntax.Add([ordered]@{ line = $requiresLine; what = "#Requires -PSEdition $(@($requires.RequiredPSEditions) -join ', ')" })
        }
    }

    $nodes = $ast.FindAll({ $true }, $true)
    foreach ($node in $nodes) {
        $finding = Get-SyntaxFinding $node
        if ($finding) { $syntax.Add([ordered]@{ line = (Get-Line $node); what = $finding }) }

        if ($node -is [System.Management.Automation.Language.FunctionDefinitionAst]) { $functions.Add($node.Name) }
        elseif ($node -is [System.Management.Automation.Language.TypeDefinitionAst]) { $classes.Add($node.Name) }
        elseif ($node -is [System.Management.Automation.Language.UsingStatementAst]) {
            if ($node.UsingStatementKind.ToString() -eq 'Namespace') { $usings.Add($node.Name.Value) }
        }
        elseif ($node -is [System.Management.Automation.Language.StringConstantExpressionAst]) {
            # C# compiled by Add-Type: the namespaces it declares are types this file defines.
            if ($node.StringConstantType.ToString() -like '*HereString*') {
                $isCSharp = $false
                foreach ($m in [regex]::Matches($node.Value, '(?m)^\s*namespace\s+([\w.]+)')) { $csharpNamespaces.Add($m.Groups[1].Value); $isCSharp = $true }
                if ($isCSharp) {
                    foreach ($m in [regex]::Matches($node.Value, '\b(\w+)\s*\(')) { $csharpMethods.Add($m.Groups[1].Value) }
                }
            }
        }
        elseif ($node -is [System.Management.Automation.Language.VariableExpressionAst]) {
            $variables.Add([ordered]@{ name = $node.VariablePath.UserPath; line = (Get-Line $node) })
        }
        elseif ($node -is [System.Management.Automation.Language.TypeExpressionAst] -or $node -is [System.Management.Automation.Language.TypeConstraintAst]) {
            $types.Add([ordered]@{ name = $node.TypeName.FullName; line = (Get-Line $node); kind = 'type' })
        }
        elseif ($node -is [System.Management.Automation.Language.AttributeAst]) {
            $types.Add([ordered]@{ name = $node.TypeName.FullName; line = (Get-Line $node); kind = 'attribute' })
        }
        # Instance method calls by name: without types, the check can only tell a method that no .NET type has.
        if ($node -is [System.Management.Automation.Language.InvokeMemberExpressionAst] -and -not $node.Static -and
            $node.Member -is [System.Management.Automation.Language.StringConstantExpressionAst]) {
            $instanceCalls.Add([ordered]@{ member = $node.Member.Value; line = (Get-Line $node) })
        }
        if ($node -is [System.Management.Automation.Language.MemberExpressionAst] -and $node.Static -and
            $node.Expression -is [System.Management.Automation.Language.TypeExpressionAst] -and
            $node.Member -is [System.Management.Automation.Language.StringConstantExpressionAst]) {
            $argCount = $null
            if ($node -is [System.Management.Automation.Language.InvokeMemberExpressionAst]) {
                $argCount = if ($null -eq $node.Arguments) { 0 } else { $node.Arguments.Count }
            }
            $statics.Add([ordered]@{ type = $node.Expression.TypeName.FullName; member = $node.Member.Value; arguments = $argCount; line = (Get-Line $node) })
        }

        if ($node -is [System.Management.Automation.Language.CommandAst]) {
            $elements = $node.CommandElements
            $name = $node.GetCommandName()
            $parameters = New-Object System.Collections.Generic.List[object]
            $positional = New-Object System.Collections.Generic.List[object]
            $splatted = $false
            for ($i = 1; $i -lt $elements.Count; $i++) {
                $e = $elements[$i]
                if ($e -is [System.Management.Automation.Language.CommandParameterAst]) {
                    $value = $null
                    $hasValue = $false
                    if ($null -ne $e.Argument) {
                        $hasValue = $true
                        if ($e.Argument -is [System.Management.Automation.Language.StringConstantExpressionAst]) { $value = $e.Argument.Value }
                    } elseif ($i + 1 -lt $elements.Count -and $elements[$i + 1] -isnot [System.Management.Automation.Language.CommandParameterAst]) {
                        $next = $elements[$i + 1]
                        if ($next -is [System.Management.Automation.Language.StringConstantExpressionAst]) { $value = $next.Value }
                    }
                    $parameters.Add([ordered]@{ name = $e.ParameterName; line = (Get-Line $e); value = $value; attached = $hasValue; index = $i })
                } else {
                    if ($e -is [System.Management.Automation.Language.VariableExpressionAst] -and $e.Splatted) { $splatted = $true }
                    $constant = if ($e -is [System.Management.Automation.Language.StringConstantExpressionAst]) { $e.Value } else { $null }
                    $positional.Add([ordered]@{ index = $i; value = $constant; line = (Get-Line $e) })
                }
            }
            $commands.Add([ordered]@{
                    name       = $name
                    line       = (Get-Line $node)
                    invocation = $node.InvocationOperator.ToString()
                    parameters = $parameters.ToArray()
                    arguments  = $positional.ToArray()
                    splatted   = $splatted
                })
        }
    }

    [ordered]@{
        file             = $file
        parseErrors      = @($errors | ForEach-Object { [ordered]@{ line = $_.Extent.StartLineNumber; message = $_.Message } })
        bom              = $bom
        nonAsciiLine     = $nonAsciiLine
        functions        = $functions.ToArray()
        classes          = $classes.ToArray()
        usingNamespaces  = $usings.ToArray()
        csharpNamespaces = $csharpNamespaces.ToArray()
        suppressedLines  = $suppressed.ToArray()
        syntax           = $syntax.ToArray()
        commands         = $commands.ToArray()
        types            = $types.ToArray()
        staticMembers    = $statics.ToArray()
        instanceCalls    = $instanceCalls.ToArray()
        csharpMethods    = @($csharpMethods | Sort-Object -Unique)
        variables        = $variables.ToArray()
    }
}
[Console]::Out.Write((ConvertTo-Json -InputObject @($out) -Depth 8 -Compress))
