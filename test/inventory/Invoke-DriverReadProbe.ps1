<#
.SYNOPSIS
    Runs the fan-out driver with -PlanOnly in this process and reports which threads read the server objects
    its main thread parsed from the job.
.DESCRIPTION
    The job arrives on stdin, as for the real driver. A ConvertFrom-Json function in this script's scope shadows
    the cmdlet for the driver's main runspace only (pool runspaces start from a fresh session state and get the
    real cmdlet): it parses as the cmdlet does, then replaces each entry of `servers` with a hashtable that
    records the managed thread of every read. The driver's NDJSON lines go to stdout unchanged, followed by one
    line {"probe":{"mainReads":N,"foreignReads":["name@thread",...]}} (each key and thread once).
    A server object read from a pool thread is one the main thread shares with a worker: a PSObject read from two
    threads at once can fail ("The property 'Properties' cannot be found on this object").
.PARAMETER Driver
    The driver script to run.
#>
[CmdletBinding()]
param([Parameter(Mandatory)][string]$Driver)

Set-StrictMode -Version 2
$ErrorActionPreference = 'Stop'

Add-Type -TypeDefinition @'
using System.Collections;
using System.Collections.Concurrent;
using System.Threading;

namespace ExTlsTest {
    public static class ReadProbe {
        public static int MainThread = -1;
        public static readonly ConcurrentQueue<string> Reads = new ConcurrentQueue<string>();
        public static void Touch(object key) {
            Reads.Enqueue((key == null ? "(all)" : key.ToString()) + "@" + Thread.CurrentThread.ManagedThreadId);
        }
    }

    // A hashtable that notes which thread reads it; filled through Add, which is not a read.
    public class ReadProbeTable : Hashtable {
        public ReadProbeTable() : base(System.StringComparer.OrdinalIgnoreCase) { }
        public override object this[object key] {
            get { ReadProbe.Touch(key); return base[key]; }
            set { base[key] = value; }
        }
        public override bool Contains(object key) { ReadProbe.Touch(key); return base.Contains(key); }
        public override bool ContainsKey(object key) { ReadProbe.Touch(key); return base.ContainsKey(key); }
        public override IDictionaryEnumerator GetEnumerator() { ReadProbe.Touch(null); return base.GetEnumerator(); }
        public override ICollection Keys { get { ReadProbe.Touch(null); return base.Keys; } }
        public override ICollection Values { get { ReadProbe.Touch(null); return base.Values; } }
    }
}
'@

function ConvertFrom-Json {
    [CmdletBinding()]
    param([Parameter(ValueFromPipeline)][string]$InputObject, [int]$Depth = 1024, [switch]$AsHashtable, [switch]$NoEnumerate)
    begin { $text = New-Object System.Text.StringBuilder }
    process { [void]$text.AppendLine($InputObject) }
    end {
        $parsed = $text.ToString() | Microsoft.PowerShell.Utility\ConvertFrom-Json -Depth $Depth -AsHashtable:$AsHashtable -NoEnumerate:$NoEnumerate
        $hasServers = if ($parsed -is [System.Collections.IDictionary]) { $parsed.Contains('servers') } else { $null -ne $parsed -and $parsed.PSObject.Properties['servers'] }
        if ($hasServers) {
            $parsed.servers = [object[]]@(foreach ($s in @($parsed.servers)) {
                $t = New-Object ExTlsTest.ReadProbeTable
                $pairs = if ($s -is [System.Collections.IDictionary]) { @($s.GetEnumerator() | ForEach-Object { @{ Name = $_.Key; Value = $_.Value } }) } else { @($s.PSObject.Properties) }
                foreach ($p in $pairs) { $t.Add($p.Name, $p.Value) }
                $t
            })
        }
        $parsed
    }
}

[ExTlsTest.ReadProbe]::MainThread = [System.Threading.Thread]::CurrentThread.ManagedThreadId
& $Driver -PlanOnly

$mainReads = 0
$foreign = New-Object System.Collections.Generic.List[string]
foreach ($read in [ExTlsTest.ReadProbe]::Reads) {
    if ($read.EndsWith('@' + [ExTlsTest.ReadProbe]::MainThread)) { $mainReads++ } else { $foreign.Add($read) }
}
$foreign = @($foreign | Sort-Object -Unique)
[Console]::Out.WriteLine((ConvertTo-Json -Compress -Depth 4 -InputObject @{ probe = @{ mainReads = $mainReads; foreignReads = $foreign } }))
