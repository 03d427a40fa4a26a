<#
.SYNOPSIS
    Lists the places where a fan-out script shares a parsed (PSCustomObject) value between its main thread and
    its runspace-pool workers. Prints one JSON object: each path given, with an array of "line N: ..." strings
    (empty when the script is clean).
.DESCRIPTION
    A PSObject is not safe to touch from two threads at once: its first `.PSObject` / member-set access adds
    members to the object's own member table without a lock, so a second thread reading at that moment can see
    "The property 'Properties' cannot be found on this object". The rules checked here:
      1. Nothing derived from a parsed object (ConvertFrom-Json and the like, followed through variables, member
         access, queues and lists) reaches a worker: AddArgument / AddParameter(s) / SetVariable values and the
         pool's or runspace's creation arguments must be strings, numbers, booleans or objects built from them.
      2. The loop that runs beside the workers (the one that calls BeginInvoke) reads no parsed value: anything
         it needs is copied into plain values before the first worker starts.
      3. Every worker parameter is a [string], number or [bool] copy, except Credential (a PSCredential, which the
         worker may only test, read .UserName from and pass on: never .PSObject or Get-Prop on it).
    The analysis is deliberately coarse (any use of a tainted value taints the result unless it is converted to
    a string, number or boolean, or serialised with ConvertTo-Json). It fails closed: a script with no
    AddScript/BeginInvoke to analyse is reported, so a restructured driver means revisiting this check.
.PARAMETER Path
    The scripts to check (comma-separated with -File).
#>
[CmdletBinding()]
param([Parameter(Mandatory)][string[]]$Path)

Set-StrictMode -Version 2
$ErrorActionPreference = 'Stop'

function Find-SharedState([string]$File) {
    $tokens = $null; $parseErrors = $null
    $root = [System.Management.Automation.Language.Parser]::ParseFile((Resolve-Path -LiteralPath $File).ProviderPath, [ref]$tokens, [ref]$parseErrors)
    if ($parseErrors.Count -gt 0) { throw "cannot parse ${File}: $($parseErrors[0].Message) (line $($parseErrors[0].Extent.StartLineNumber))" }

    $violations = New-Object System.Collections.Generic.List[string]
    function Add-Violation($Ast, [string]$Text) {
        $violations.Add("line $($Ast.Extent.StartLineNumber): $Text")
    }
    function Find-All($Ast, [scriptblock]$Predicate) { @($Ast.FindAll($Predicate, $true)) }

    # Commands whose output is a PSCustomObject (or a tree of them); and outputs that are plain text.
    $sources = 'ConvertFrom-Json', 'ConvertFrom-Csv', 'Import-Csv', 'Import-Clixml', 'Select-Object', 'ConvertFrom-StringData'
    $textSinks = 'ConvertTo-Json', 'ConvertTo-Csv', 'Out-String', 'ConvertTo-Xml'
    $plainTypes = 'string', 'bool', 'boolean', 'switch', 'int', 'int32', 'long', 'int64', 'double', 'single', 'float',
        'decimal', 'byte', 'char', 'datetime', 'timespan', 'guid', 'void', 'system.string', 'system.boolean', 'system.int32',
        'system.int64', 'system.double', 'system.datetime', 'system.timespan'
    $crossingMethods = 'AddArgument', 'AddParameter', 'AddParameters', 'SetVariable', 'CreateRunspacePool', 'CreateRunspace'

    # The worker: the script block given to AddScript (directly or through a variable assigned a script block).
    $workers = New-Object System.Collections.Generic.List[object]
    $addScripts = @(Find-All $root { param($a) $a -is [System.Management.Automation.Language.InvokeMemberExpressionAst] -and "$($a.Member)" -eq 'AddScript' })
    foreach ($call in $addScripts) {
        $arg = $call.Arguments | Select-Object -First 1
        if ($arg -is [System.Management.Automation.Language.ScriptBlockExpressionAst]) { $workers.Add($arg.ScriptBlock); continue }
        if ($arg -is [System.Management.Automation.Language.VariableExpressionAst]) {
            $name = $arg.VariablePath.UserPath
            $assigned = @(Find-All $root { param($a) $a -is [System.Management.Automation.Language.AssignmentStatementAst] -and
                $a.Left -is [System.Management.Automation.Language.VariableExpressionAst] -and $a.Left.VariablePath.UserPath -eq $name -and
                $a.Right -is [System.Management.Automation.Language.CommandExpressionAst] -and
                $a.Right.Expression -is [System.Management.Automation.Language.ScriptBlockExpressionAst] })
            foreach ($a in $assigned) { $workers.Add($a.Right.Expression.ScriptBlock) }
            if ($assigned.Count -gt 0) { continue }
        }
        Add-Violation $call "AddScript is given something other than a script block this check can follow: $($arg.Extent.Text)"
    }
    if ($addScripts.Count -eq 0) { Add-Violation $root 'no AddScript call: nothing to check (the fan-out changed shape; update this check)' }

    function Test-InWorker($Ast) {
        for ($p = $Ast.Parent; $null -ne $p; $p = $p.Parent) { if ($workers.Contains($p)) { return $true } }
        return $false
    }
    function Get-RootVariable($Ast) {
        while ($Ast -is [System.Management.Automation.Language.MemberExpressionAst] -or $Ast -is [System.Management.Automation.Language.IndexExpressionAst] -or
            $Ast -is [System.Management.Automation.Language.AttributedExpressionAst]) {
            if ($Ast -is [System.Management.Automation.Language.AttributedExpressionAst]) { $Ast = $Ast.Child }
            else { $Ast = $Ast.Expression }
        }
        if ($Ast -is [System.Management.Automation.Language.VariableExpressionAst]) { return $Ast.VariablePath.UserPath.ToLowerInvariant() }
        return $null
    }

    # Taint of a value: $null (plain), 'all' (a parsed object, or anything that may hold one), 'keys:a,b' (a
    # hashtable built here whose keys a, b hold parsed values) or 'elems:<taint>' (a list or queue of such values).
    $taint = @{}
    function Join-Taint($A, $B) {
        if ($null -eq $A) { return $B }
        if ($null -eq $B -or $A -eq $B) { return $A }
        if ($A -eq 'all' -or $B -eq 'all') { return 'all' }
        if ($A.StartsWith('keys:') -and $B.StartsWith('keys:')) {
            return 'keys:' + ((@($A.Substring(5) -split ',') + @($B.Substring(5) -split ',') | Sort-Object -Unique) -join ',')
        }
        if ($A.StartsWith('elems:') -and $B.StartsWith('elems:')) { return 'elems:' + (Join-Taint $A.Substring(6) $B.Substring(6)) }
        return 'all'
    }
    function Get-MemberTaint($Target, $MemberAst) {
        if ($null -eq $Target) { return $null }
        if ($Target -eq 'all') { return 'all' }
        if ($Target.StartsWith('elems:')) { return $null }   # .Count and the like of a list
        if ($MemberAst -isnot [System.Management.Automation.Language.StringConstantExpressionAst]) { return 'all' }
        if (@($Target.Substring(5) -split ',') -contains $MemberAst.Value) { return 'all' }
        return $null
    }
    $elementMethods = 'Dequeue', 'Pop', 'Peek', 'ToArray', 'Clone', 'GetEnumerator', 'Where', 'ForEach', 'Item', 'Get', 'First', 'Last'
    $plainMethods = 'ToString', 'Equals', 'GetHashCode', 'GetType', 'CompareTo', 'Contains', 'ContainsKey', 'ContainsValue', 'IndexOf'
    $storeMethods = 'Add', 'Enqueue', 'Push', 'Insert', 'AddRange', 'AddFirst', 'AddLast', 'TryAdd', 'Set', 'SetValue'

    function Get-Taint($Ast) {
        if ($null -eq $Ast) { return $null }
        switch ($Ast) {
            { $_ -is [System.Management.Automation.Language.ConstantExpressionAst] -or $_ -is [System.Management.Automation.Language.ExpandableStringExpressionAst] -or
              $_ -is [System.Management.Automation.Language.TypeExpressionAst] -or $_ -is [System.Management.Automation.Language.ScriptBlockExpressionAst] -or
              $_ -is [System.Management.Automation.Language.CommandParameterAst] } { return $null }
            { $_ -is [System.Management.Automation.Language.VariableExpressionAst] } { return $taint[$Ast.VariablePath.UserPath.ToLowerInvariant()] }
            { $_ -is [System.Management.Automation.Language.ConvertExpressionAst] } {
                if ($plainTypes -contains $Ast.Type.TypeName.FullName.ToLowerInvariant()) { return $null }
                if ($Ast.Type.TypeName.FullName -match 'pscustomobject') { return 'all' }
                return (Get-Taint $Ast.Child)
            }
            { $_ -is [System.Management.Automation.Language.InvokeMemberExpressionAst] } {
                # A static method may return what it is given; an instance method returns its object's contents
                # (a parsed object's anything, a list's elements), not its arguments (Add, AddArgument, ...).
                $method = "$($Ast.Member)"
                if ($plainMethods -contains $method) { return $null }
                if ($Ast.Static) {
                    foreach ($a in @($Ast.Arguments)) { if (Get-Taint $a) { return 'all' } }
                    return $null
                }
                $target = Get-Taint $Ast.Expression
                if ($null -eq $target) { return $null }
                if ($target -eq 'all') { return 'all' }
                if ($target.StartsWith('elems:') -and $elementMethods -contains $method) { return $target.Substring(6) }
                return $null
            }
            { $_ -is [System.Management.Automation.Language.MemberExpressionAst] } { return (Get-MemberTaint (Get-Taint $Ast.Expression) $Ast.Member) }
            { $_ -is [System.Management.Automation.Language.IndexExpressionAst] } {
                $target = Get-Taint $Ast.Target
                if ($null -eq $target -or $target -eq 'all') { return $target }
                if ($target.StartsWith('elems:')) { return $target.Substring(6) }
                return (Get-MemberTaint $target $Ast.Index)
            }
            { $_ -is [System.Management.Automation.Language.BinaryExpressionAst] } {
                # Comparisons and string operators yield booleans and strings.
                if ("$($Ast.Operator)" -match '^(I|C)?(Eq|Ne|Gt|Ge|Lt|Le|Like|NotLike|Match|NotMatch|Contains|NotContains|In|NotIn|Is|IsNot|As)$|^(And|Or|Xor|Join|Format|Replace|IReplace|CReplace|Split|ISplit|CSplit)$') { return $null }
                return (Join-Taint (Get-Taint $Ast.Left) (Get-Taint $Ast.Right))
            }
            { $_ -is [System.Management.Automation.Language.UnaryExpressionAst] } {
                if ("$($Ast.TokenKind)" -in 'Not', 'Exclaim') { return $null }
                return (Get-Taint $Ast.Child)
            }
            { $_ -is [System.Management.Automation.Language.HashtableAst] } {
                $keys = @()
                foreach ($pair in $Ast.KeyValuePairs) {
                    if (Get-Taint $pair.Item2) {
                        if ($pair.Item1 -isnot [System.Management.Automation.Language.StringConstantExpressionAst]) { return 'all' }
                        $keys += $pair.Item1.Value
                    }
                }
                if ($keys.Count -eq 0) { return $null }
                return 'keys:' + (($keys | Sort-Object -Unique) -join ',')
            }
            { $_ -is [System.Management.Automation.Language.ArrayLiteralAst] } {
                $result = $null
                foreach ($e in $Ast.Elements) { $result = Join-Taint $result (Get-Taint $e) }
                return $result
            }
            { $_ -is [System.Management.Automation.Language.ParenExpressionAst] } { return (Get-Taint $Ast.Pipeline) }
            { $_ -is [System.Management.Automation.Language.SubExpressionAst] -or $_ -is [System.Management.Automation.Language.ArrayExpressionAst] } {
                $result = $null
                foreach ($s in $Ast.SubExpression.Statements) { $result = Join-Taint $result (Get-Taint $s) }
                return $result
            }
            { $_ -is [System.Management.Automation.Language.PipelineAst] } {
                $last = $Ast.PipelineElements[$Ast.PipelineElements.Count - 1]
                if ($last -is [System.Management.Automation.Language.CommandAst] -and $textSinks -contains $last.GetCommandName()) { return $null }
                $result = $null
                foreach ($e in $Ast.PipelineElements) { $result = Join-Taint $result (Get-Taint $e) }
                return $result
            }
            { $_ -is [System.Management.Automation.Language.CommandExpressionAst] } { return (Get-Taint $Ast.Expression) }
            { $_ -is [System.Management.Automation.Language.CommandAst] } {
                if ($sources -contains $Ast.GetCommandName()) { return 'all' }
                if ($textSinks -contains $Ast.GetCommandName()) { return $null }
                foreach ($e in @($Ast.CommandElements | Select-Object -Skip 1)) { if (Get-Taint $e) { return 'all' } }
                return $null
            }
            { $_ -is [System.Management.Automation.Language.AssignmentStatementAst] } { return (Get-Taint $Ast.Right) }
            default {
                # Anything else: tainted when it mentions a tainted variable (coarse, never misses one).
                $vars = @(Find-All $Ast { param($a) $a -is [System.Management.Automation.Language.VariableExpressionAst] })
                foreach ($v in $vars) { if ($taint[$v.VariablePath.UserPath.ToLowerInvariant()]) { return 'all' } }
                return $null
            }
        }
    }
    function Add-Taint([string]$Name, $Value) {
        if (-not $Name -or $null -eq $Value) { return }
        $taint[$Name] = Join-Taint $taint[$Name] $Value
    }

    # Propagate to a fixed point over the main script (the worker's body is its own thread's business).
    $assignments = @(Find-All $root { param($a) $a -is [System.Management.Automation.Language.AssignmentStatementAst] } | Where-Object { -not (Test-InWorker $_) })
    $loops = @(Find-All $root { param($a) $a -is [System.Management.Automation.Language.ForEachStatementAst] } | Where-Object { -not (Test-InWorker $_) })
    $methodCalls = @(Find-All $root { param($a) $a -is [System.Management.Automation.Language.InvokeMemberExpressionAst] -and -not $a.Static -and $storeMethods -contains "$($a.Member)" } | Where-Object { -not (Test-InWorker $_) })
    do {
        $before = ($taint.GetEnumerator() | Sort-Object Name | ForEach-Object { "$($_.Name)=$($_.Value)" }) -join ';'
        foreach ($a in $assignments) {
            $value = Get-Taint $a.Right
            if ($null -eq $value) { continue }
            if ($a.Left -is [System.Management.Automation.Language.MemberExpressionAst] -and $a.Left.Member -is [System.Management.Automation.Language.StringConstantExpressionAst]) {
                Add-Taint (Get-RootVariable $a.Left) ('keys:' + $a.Left.Member.Value)
            } else {
                Add-Taint (Get-RootVariable $a.Left) $value
            }
        }
        foreach ($f in $loops) {
            $over = Get-Taint $f.Condition
            if ($over -and $over.StartsWith('elems:')) { $over = $over.Substring(6) }
            Add-Taint $f.Variable.VariablePath.UserPath.ToLowerInvariant() $over
        }
        foreach ($m in $methodCalls) {
            # $list.Add($x), $queue.Enqueue($x), ...: the collection now holds what was put in.
            foreach ($arg in @($m.Arguments)) {
                $value = Get-Taint $arg
                if ($value) { Add-Taint (Get-RootVariable $m.Expression) ('elems:' + $value) }
            }
        }
        $after = ($taint.GetEnumerator() | Sort-Object Name | ForEach-Object { "$($_.Name)=$($_.Value)" }) -join ';'
    } while ($after -ne $before)

    # Rule 1: what crosses into a worker.
    $crossings = @(Find-All $root { param($a) $a -is [System.Management.Automation.Language.InvokeMemberExpressionAst] -and $crossingMethods -contains "$($a.Member)" })
    foreach ($c in $crossings) {
        foreach ($arg in @($c.Arguments)) {
            if (Get-Taint $arg) { Add-Violation $c "a parsed object crosses into a worker through $($c.Member): $($arg.Extent.Text)" }
        }
    }
    $newObjects = @(Find-All $root { param($a) $a -is [System.Management.Automation.Language.CommandAst] -and $a.GetCommandName() -eq 'New-Object' -and $a.Extent.Text -match 'SessionStateVariableEntry' })
    foreach ($n in $newObjects) { if (Get-Taint $n) { Add-Violation $n "a parsed object becomes a runspace variable: $($n.Extent.Text)" } }

    # Rule 2: the loop beside the workers reads no parsed object (no member, index, method, conversion or
    # command argument applied to one).
    $beginInvokes = @(Find-All $root { param($a) $a -is [System.Management.Automation.Language.InvokeMemberExpressionAst] -and "$($a.Member)" -eq 'BeginInvoke' } | Where-Object { -not (Test-InWorker $_) })
    if ($beginInvokes.Count -eq 0) { Add-Violation $root 'no BeginInvoke call: nothing to check (the fan-out changed shape; update this check)' }
    $pollLoops = New-Object System.Collections.Generic.List[object]
    foreach ($b in $beginInvokes) {
        $outer = $null
        for ($p = $b.Parent; $null -ne $p; $p = $p.Parent) { if ($p -is [System.Management.Automation.Language.LoopStatementAst] -or $p -is [System.Management.Automation.Language.ForEachStatementAst]) { $outer = $p } }
        if ($null -eq $outer) { Add-Violation $b 'BeginInvoke outside a loop: cannot find the loop that runs beside the workers (update this check)' }
        elseif (-not $pollLoops.Contains($outer)) { $pollLoops.Add($outer) }
    }
    foreach ($loop in $pollLoops) {
        $reads = @(Find-All $loop { param($a)
            ($a -is [System.Management.Automation.Language.MemberExpressionAst] -and (Get-Taint $a.Expression) -eq 'all') -or
            ($a -is [System.Management.Automation.Language.IndexExpressionAst] -and (Get-Taint $a.Target) -eq 'all') -or
            ($a -is [System.Management.Automation.Language.ConvertExpressionAst] -and $a.Child -is [System.Management.Automation.Language.VariableExpressionAst] -and (Get-Taint $a.Child) -eq 'all') -or
            ($a -is [System.Management.Automation.Language.CommandAst] -and @($a.CommandElements | Select-Object -Skip 1 | Where-Object { (Get-Taint $_) -eq 'all' }).Count -gt 0) })
        foreach ($r in $reads) { Add-Violation $r "the loop running beside the workers reads a parsed object: $($r.Extent.Text)" }
    }

    # Rule 3: worker parameters are copies; the credential is only tested, read and passed on.
    foreach ($w in $workers) {
        $params = @()
        if ($w.ParamBlock) { $params = @($w.ParamBlock.Parameters) }
        foreach ($p in $params) {
            $name = $p.Name.VariablePath.UserPath
            $types = @($p.Attributes | Where-Object { $_ -is [System.Management.Automation.Language.TypeConstraintAst] } | ForEach-Object { $_.TypeName.FullName.ToLowerInvariant() })
            if ($name -eq 'Credential') { continue }
            if ($types.Count -eq 0 -or -not ($plainTypes -contains $types[0])) {
                Add-Violation $p "worker parameter `$$name is not a [string], number or [bool] copy"
            }
        }
        $credUses = @(Find-All $w { param($a) $a -is [System.Management.Automation.Language.VariableExpressionAst] -and $a.VariablePath.UserPath -eq 'Credential' })
        foreach ($u in $credUses) {
            if ($u.Parent -is [System.Management.Automation.Language.MemberExpressionAst] -and $u.Parent.Expression -eq $u -and "$($u.Parent.Member)" -match '^ps(object|base|adapted|extended)$') {
                Add-Violation $u "the worker opens the shared credential's member sets: $($u.Parent.Extent.Text)"
            }
            if ($u.Parent -is [System.Management.Automation.Language.CommandAst] -and $u.Parent.GetCommandName() -eq 'Get-Prop') {
                Add-Violation $u "the worker reads the shared credential through Get-Prop: $($u.Parent.Extent.Text)"
            }
        }
    }
    return ,$violations
}

$report = [ordered]@{}
foreach ($p in @($Path | ForEach-Object { $_ -split ',' } | Where-Object { $_ })) { $report[$p] = Find-SharedState $p }
ConvertTo-Json -InputObject $report -Compress -Depth 3
