# SMTP protocol-log evidence: who still negotiates TLS 1.0/1.1 with this server, who sends mail in
# clear text, and which TLS errors the connectors log. Shape: schemas/protocol-logs.schema.json,
# docs/protocol-log-evidence.md.
#
# The scanner core is C# compiled with Add-Type: a PowerShell pipeline over gigabytes of logs is far too slow.
# Its source is ps/collector/ProtocolLogScanner/*.cs, inlined into the here-string below by
# scripts/build-collector.mjs. It must compile on Windows PowerShell 5.1, whose Add-Type uses the .NET Framework
# C# 5 compiler with mscorlib and System only: the tests compile it that way (test/collector/scanner).
# The type name carries a version so that a persistent runspace holding an older build never uses it.

$script:ExTlsProtocolLogScannerSource = @'
// extls:include-csharp ProtocolLogScanner
'@

function Get-ExTlsPlOptionValue {
    param($Options, [string]$Name, $Default = $null)
    if ($null -eq $Options) { return $Default }
    if ($Options -is [System.Collections.IDictionary]) {
        if ($Options.Contains($Name) -and $null -ne $Options[$Name]) { return $Options[$Name] }
        return $Default
    }
    $p = $Options.PSObject.Properties[$Name]
    if ($null -eq $p -or $null -eq $p.Value) { return $Default }
    return $p.Value
}

# Between phases: a full, compacting collection that hands the freed memory back to the OS (GCCollectionMode.Aggressive,
# .NET 7 and later, so PowerShell 7.3+; elsewhere nothing is done), then the native memory the runtime freed
# (Invoke-ExTlsMallocTrim); docs/decisions/scanner-memory.md.
function Clear-ExTlsGarbage {
    $aggressive = 'Aggressive' -as [GCCollectionMode]
    if ($null -eq $aggressive) { return }
    # ps51-check: allow the 4-argument GC.Collect is .NET 4.6+; reached only where GCCollectionMode.Aggressive exists (.NET 7)
    [GC]::Collect(2, $aggressive, $true, $true)
    Invoke-ExTlsMallocTrim
}

# glibc (Linux) keeps memory a process frees in its malloc arenas rather than handing it back, and .NET frees a lot
# there: Roslyn itself is compiled from IL while Add-Type runs, and the tiered JIT recompiles hot methods on a thread
# of its own, whose arena stays with the process. glibc's malloc_trim hands the free pages back. It is declared with
# Reflection.Emit (a P/Invoke, no compiler) so that it can run before Add-Type too. Elsewhere (Windows, macOS, musl
# libc) nothing is done.
$script:ExTlsMallocTrim = $null   # the type holding the P/Invoke once declared; $false where there is none
function Invoke-ExTlsMallocTrim {
    if ($null -eq $script:ExTlsMallocTrim) {
        $script:ExTlsMallocTrim = $false
        if ([Environment]::OSVersion.Platform -ne [PlatformID]::Unix) { return }
        $assembly = [System.Reflection.Emit.AssemblyBuilder]::DefineDynamicAssembly(
            (New-Object System.Reflection.AssemblyName 'ExTlsLibc'), [System.Reflection.Emit.AssemblyBuilderAccess]::Run)
        $type = $assembly.DefineDynamicModule('ExTlsLibc').DefineType('ExTlsLibc', 'Public, Abstract, Sealed')
        [void]$type.DefinePInvokeMethod('malloc_trim', 'libc', 'Public, Static, PinvokeImpl', 'Standard', [int], [Type[]]@([UIntPtr]),
            [Runtime.InteropServices.CallingConvention]::Cdecl, [Runtime.InteropServices.CharSet]::Ansi)
        $script:ExTlsMallocTrim = $type.CreateType()
    }
    if ($script:ExTlsMallocTrim -isnot [type]) { return }
    try {
        [void]$script:ExTlsMallocTrim::malloc_trim([UIntPtr]::Zero)
    } catch {
        $script:ExTlsMallocTrim = $false   # not glibc: no libc, or no malloc_trim in it
    }
}

function Initialize-ExTlsProtocolLogScanner {
    # Once per process: Add-Type cannot replace a type, and compiling costs a second or two.
    if ($null -ne ('ExTlsProtocolLogs1.Scanner' -as [type])) { return }
    # The fan-out driver runs local collectors in parallel runspaces of one process: concurrent Add-Type calls
    # of the same type stall each other, so compile under a process-wide lock (an interned string is one object
    # per process) and check again once inside.
    $lock = [string]::Intern('ExTlsProtocolLogs1.Scanner.Compile')
    [System.Threading.Monitor]::Enter($lock)
    try {
        if ($null -ne ('ExTlsProtocolLogs1.Scanner' -as [type])) { return }
        # Without -optimize+ Add-Type on PowerShell 7 emits a debug assembly and the JIT disables its optimizations
        # (the scan runs several times slower).
        if ($PSVersionTable.PSEdition -eq 'Core') {
            # Only the reference assemblies the scanner needs: without -ReferencedAssemblies, PowerShell 7's
            # Add-Type reads every assembly under $PSHOME/ref plus System.Management.Automation into native memory
            # and keeps them for the life of the process, and Roslyn binds against all of them (more peak memory, a
            # slower compile; docs/decisions/scanner-memory.md). System.Runtime is always added by Add-Type;
            # System.Runtime.Extensions and System.IO.FileSystem hold Stopwatch and the file APIs on older .NET
            # (type forwarders on newer ones). Should a PowerShell 7 release keep a type elsewhere, the compile
            # is retried with the default references.
            $compile = @{
                TypeDefinition  = $script:ExTlsProtocolLogScannerSource
                Language        = 'CSharp'
                CompilerOptions = @('-langversion:5', '-optimize+', '-define:EXTLS_CORE')
            }
            Clear-ExTlsGarbage   # what the script has left so far: the compile is the collector's biggest step
            try {
                Add-Type @compile -ErrorAction Stop -ReferencedAssemblies @('System.Collections', 'System.Text.Encoding.Extensions',
                    'System.Runtime.Extensions', 'System.IO.FileSystem')
            } catch {
                if ($null -ne ('ExTlsProtocolLogs1.Scanner' -as [type])) { throw }
                Add-Type @compile -ErrorAction Stop
            }
            Clear-ExTlsGarbage   # the compiler's
        } else {
            # Windows PowerShell 5.1's Add-Type has no -CompilerOptions: the options go in a CompilerParameters, which
            # then carries the references too (mscorlib is implicit; the scanner needs System) and compiles in memory.
            $parameters = New-Object System.CodeDom.Compiler.CompilerParameters
            $parameters.CompilerOptions = '/optimize+'
            $parameters.GenerateInMemory = $true
            [void]$parameters.ReferencedAssemblies.Add('System.dll')
            Add-Type -TypeDefinition $script:ExTlsProtocolLogScannerSource -Language CSharp -CompilerParameters $parameters
        }
    } finally {
        [System.Threading.Monitor]::Exit($lock)
    }
}

# The protocolLogs object: JSON text when the scanner ran (written by the scanner itself, see JsonText), else a small
# ordered dictionary (disabled, error, no install path). 90-Main.ps1 puts either into the collector's JSON.
function Get-ExTlsProtocolLogEvidence {
    [CmdletBinding()]
    param(
        $Options,
        [AllowNull()][AllowEmptyString()][string]$ExchangeInstallPath,
        [bool]$IsEdge = $false
    )
    $minimal = {
        param([string]$Status, [string]$Message)
        return [ordered]@{ schemaVersion = 1; status = $Status; message = $Message }
    }
    try {
        $scan = Get-ExTlsPlOptionValue $Options 'scanLogs' $true
        if ($scan -isnot [bool]) { return (& $minimal 'error' 'option scanLogs must be true or false') }
        if (-not $scan) { return (& $minimal 'disabled' 'protocol-log scan disabled by option scanLogs') }

        $days = Get-ExTlsPlOptionValue $Options 'logDays' 7
        if (-not ($days -is [int] -or $days -is [long] -or $days -is [double] -or $days -is [decimal]) -or [double]$days -le 0) {
            return (& $minimal 'error' 'option logDays must be a positive number')
        }
        $budget = Get-ExTlsPlOptionValue $Options 'logByteBudget' ([int64]2GB)
        if (-not ($budget -is [int] -or $budget -is [long] -or $budget -is [double] -or $budget -is [decimal]) -or [double]$budget -lt 0) {
            return (& $minimal 'error' 'option logByteBudget must be a number of bytes >= 0')
        }
        # ConvertFrom-Json on PowerShell 7 turns ISO strings into DateTime; 5.1 leaves them strings.
        $ref = Get-ExTlsPlOptionValue $Options 'referenceTime' $null
        if ($null -eq $ref) {
            $refText = [DateTime]::UtcNow.ToString('o', [Globalization.CultureInfo]::InvariantCulture)
        } elseif ($ref -is [DateTime]) {
            if ($ref.Kind -eq [DateTimeKind]::Unspecified) { $ref = [DateTime]::SpecifyKind($ref, [DateTimeKind]::Utc) }
            $refText = $ref.ToUniversalTime().ToString('o', [Globalization.CultureInfo]::InvariantCulture)
        } elseif ($ref -is [DateTimeOffset]) {
            $refText = $ref.UtcDateTime.ToString('o', [Globalization.CultureInfo]::InvariantCulture)
        } elseif ($ref -is [string]) {
            $refText = $ref
        } else {
            return (& $minimal 'error' 'option referenceTime must be an ISO 8601 date-time string')
        }

        $roots = New-Object System.Collections.Generic.List[string]
        $sources = New-Object System.Collections.Generic.List[string]
        $override = Get-ExTlsPlOptionValue $Options 'protocolLogPaths' $null
        if ($null -ne $override) {
            foreach ($p in @($override)) {
                if ($p -isnot [string] -or $p.Trim() -eq '') { return (& $minimal 'error' 'option protocolLogPaths must be an array of folder paths') }
                # Relative paths are relative to PowerShell's current location, not the process's.
                $roots.Add($ExecutionContext.SessionState.Path.GetUnresolvedProviderPathFromPSPath($p))
                $sources.Add('option')
            }
        } elseif ($ExchangeInstallPath) {
            $logs = [IO.Path]::Combine($ExchangeInstallPath, 'TransportRoles', 'Logs')
            $leaves = New-Object System.Collections.Generic.List[object]
            if ($IsEdge) {
                $leaves.Add(@('Edge', 'ProtocolLog', 'SmtpReceive')); $leaves.Add(@('Edge', 'ProtocolLog', 'SmtpSend'))
            } else {
                foreach ($svc in @('FrontEnd', 'Hub')) {
                    $leaves.Add(@($svc, 'ProtocolLog', 'SmtpReceive')); $leaves.Add(@($svc, 'ProtocolLog', 'SmtpSend'))
                }
                $leaves.Add(@('Mailbox', 'ProtocolLog', 'SmtpReceive', 'Delivery'))
                $leaves.Add(@('Mailbox', 'ProtocolLog', 'SmtpSend', 'Submission'))
                $leaves.Add(@('Mailbox', 'ProtocolLog', 'SmtpSend', 'Delivery'))
            }
            # Exchange 2010 kept one transport service: TransportRoles\Logs\ProtocolLog\SmtpReceive|SmtpSend.
            $leaves.Add(@('ProtocolLog', 'SmtpReceive')); $leaves.Add(@('ProtocolLog', 'SmtpSend'))
            foreach ($leaf in $leaves) {
                $path = $logs
                foreach ($part in $leaf) { $path = [IO.Path]::Combine($path, $part) }
                $roots.Add($path)
                $sources.Add('default')
            }
        } else {
            $r = & $minimal 'no-log-folders' 'Exchange install path unknown and no protocolLogPaths option given'
            return $r
        }

        Initialize-ExTlsProtocolLogScanner
        # Memory is handed back before each step that needs much of it: the sections' garbage before the scan, the
        # scan's working state before the JSON text is built, then all but that text before the output is.
        Clear-ExTlsGarbage
        $scanner = New-Object ExTlsProtocolLogs1.Scanner
        $scanner.Run($roots.ToArray(), $sources.ToArray(), $refText, [double]$days, [int64]$budget)
        Clear-ExTlsGarbage
        $json = $scanner.ToJson()
        $scanner = $null
        Clear-ExTlsGarbage
        return $json
    } catch {
        # Log evidence is secondary: an unexpected failure here must not cost the server its registry record.
        $msg = $_.Exception.Message
        if ($_.Exception.InnerException) { $msg = $_.Exception.InnerException.Message }
        return (& $minimal 'error' $msg)
    }
}
