<#
.SYNOPSIS
    extls fan-out driver: runs the collector on many servers at once and streams one NDJSON line per server.
.DESCRIPTION
    Reads the whole job as JSON on stdin (server names, options and any credential are data, never script
    text), then runs dist/ExTlsCollector.ps1 on each server with Invoke-Command -ComputerName (WinRM),
    Invoke-Command -HostName (SSH, PowerShell 7), at most `throttle` at a time, each under its own
    timeout. As each server finishes, one line of JSON goes to stdout:
      {"server","transport","startedAt","durationMs","outcome":"ok"|"failed","category","message","output"}
    `output` is the collector's text, checked by the caller (Node validates it against the schema).
    Runs on Windows PowerShell 5.1 (WinRM) and PowerShell 7 (both transports). Servers with transport local are
    not the driver's: extls runs them in its own PowerShell sessions on the control node.
.PARAMETER PlanOnly
    Connect to nothing: print, per server, the Invoke-Command parameters that would be used (a credential
    shows as its user name only). For reviewing a fleet file, and for unit tests of the WinRM path.
#>
[CmdletBinding()]
param([switch]$PlanOnly)

Set-StrictMode -Version 2
$ErrorActionPreference = 'Stop'
[Console]::OutputEncoding = New-Object System.Text.UTF8Encoding $false
[Console]::InputEncoding = New-Object System.Text.UTF8Encoding $false

function Get-Prop($Object, [string]$Name, $Default = $null) {
    if ($null -ne $Object -and $Object.PSObject.Properties[$Name] -and $null -ne $Object.$Name) { return $Object.$Name }
    return $Default
}

function Write-Record([hashtable]$Record) {
    # One line per server, flushed at once so the caller sees each server as it finishes.
    [Console]::Out.WriteLine(($Record | ConvertTo-Json -Depth 6 -Compress))
    [Console]::Out.Flush()
}

# The worker runs in a pool runspace; everything it needs arrives as arguments.
$worker = {
    param([string]$ServerJson, [string]$CollectorText, $Credential, [bool]$PlanOnly)
    Set-StrictMode -Version 2
    $ErrorActionPreference = 'Stop'
    # Each worker parses its own copy: a PSObject is not safe to read from two threads at once (its member
    # cache is filled lazily), and the main thread reads the same server's settings while this one runs.
    $Server = $ServerJson | ConvertFrom-Json

    function Get-Prop($Object, [string]$Name, $Default = $null) {
        if ($null -ne $Object -and $Object.PSObject.Properties[$Name] -and $null -ne $Object.$Name) { return $Object.$Name }
        return $Default
    }

    # Pre-flight: a TCP connect (and for SSH the server's banner) tells refused, unreachable and
    # "accepts TCP but never answers" apart; pwsh's SSH transport reports all of them as one generic error.
    function Test-Endpoint([string]$Address, [int]$Port, [int]$TimeoutMs, [bool]$ExpectSshBanner) {
        # A name DNS does not know is said at once as such, not after the connect time-out as "unreachable".
        $ip = $null
        if (-not [System.Net.IPAddress]::TryParse($Address.Trim('[', ']'), [ref]$ip)) {
            $lookup = [System.Net.Dns]::BeginGetHostAddresses($Address, $null, $null)
            if ($lookup.AsyncWaitHandle.WaitOne($TimeoutMs)) {
                try { $null = [System.Net.Dns]::EndGetHostAddresses($lookup) } catch {
                    $inner = $_.Exception
                    while ($inner.InnerException) { $inner = $inner.InnerException }
                    if ($inner -is [System.Net.Sockets.SocketException] -and "$($inner.SocketErrorCode)" -in 'HostNotFound', 'NoData') {
                        return @{ category = 'name-not-resolved'; message = "the name $Address does not resolve in DNS ($($inner.Message))" }
                    }
                }
            }
        }
        $client = New-Object System.Net.Sockets.TcpClient
        try {
            $connect = $client.BeginConnect($Address, $Port, $null, $null)
            if (-not $connect.AsyncWaitHandle.WaitOne($TimeoutMs)) {
                return @{ category = 'unreachable'; message = "no TCP connection to ${Address}:$Port within $TimeoutMs ms" }
            }
            try { $client.EndConnect($connect) } catch {
                $inner = $_.Exception
                while ($inner.InnerException) { $inner = $inner.InnerException }
                return @{ category = 'unreachable'; message = "cannot connect to ${Address}:${Port}: $($inner.Message)" }
            }
            if ($ExpectSshBanner) {
                $stream = $client.GetStream()
                $stream.ReadTimeout = $TimeoutMs
                $buffer = New-Object byte[] 256
                try { $read = $stream.Read($buffer, 0, $buffer.Length) } catch { $read = -1 }
                if ($read -le 0) {
                    return @{ category = 'timeout'; message = "${Address}:$Port accepted the TCP connection but sent no SSH banner within $TimeoutMs ms" }
                }
                $banner = [Text.Encoding]::ASCII.GetString($buffer, 0, $read)
                if (-not $banner.StartsWith('SSH-')) {
                    return @{ category = 'unreachable'; message = "${Address}:$Port is not an SSH server (it answered something else)" }
                }
            }
            return $null
        } finally {
            $client.Close()
        }
    }

    # The job arrives complete (Node resolved every default): read values, decide none.
    $transport = [string]$Server.transport
    $address = [string]$Server.address
    $optionsJson = $Server.collectorOptions | ConvertTo-Json -Depth 10 -Compress
    $collector = $null
    if (-not $PlanOnly) { $collector = [scriptblock]::Create($CollectorText) }
    $connectTimeout = [int]$Server.connectTimeoutSeconds

    $invoke = @{ ScriptBlock = $collector; ArgumentList = @($optionsJson, $null) }
    if ($transport -eq 'ssh') {
        if ($PSVersionTable.PSVersion.Major -lt 7) { throw (New-Object System.NotSupportedException 'SSH remoting needs PowerShell 7 on the control node') }
        $ssh = $Server.ssh
        $port = [int]$Server.port
        if (-not $PlanOnly) {
            $problem = Test-Endpoint $address $port ($connectTimeout * 1000) $true
            if ($problem) { return $problem }
        }
        $invoke.HostName = $address
        $invoke.Port = $port
        $userName = Get-Prop $ssh 'userName'
        if ($userName) { $invoke.UserName = [string]$userName }
        $keyFile = Get-Prop $ssh 'keyFilePath'
        if ($keyFile) { $invoke.KeyFilePath = [string]$keyFile }
        $sshOptions = @{ BatchMode = 'yes'; ConnectTimeout = [string]$connectTimeout }
        $extra = Get-Prop $ssh 'options'
        if ($extra) { foreach ($p in $extra.PSObject.Properties) { $sshOptions[$p.Name] = [string]$p.Value } }
        $invoke.Options = $sshOptions
    } elseif ($transport -eq 'winrm') {
        $winrm = $Server.winrm
        $useSsl = [bool]$winrm.useSsl
        $port = [int]$Server.port
        if (-not $PlanOnly) {
            $problem = Test-Endpoint $address $port ($connectTimeout * 1000) $false
            if ($problem) { return $problem }
        }
        $invoke.ComputerName = $address
        $invoke.Port = $port
        if ($useSsl) { $invoke.UseSSL = $true }
        $auth = Get-Prop $winrm 'authentication'
        if ($auth) { $invoke.Authentication = [string]$auth }
        if ($Credential -and [bool]$winrm.useCredential) { $invoke.Credential = $Credential }
        # New-Object rather than New-PSSessionOption: the cmdlet lacks -OpenTimeout off Windows.
        $sessionOption = New-Object System.Management.Automation.Remoting.PSSessionOption
        $sessionOption.OpenTimeout = [TimeSpan]::FromSeconds($connectTimeout)
        $invoke.SessionOption = $sessionOption
    } else {
        throw "transport '$transport' is not run by the fan-out driver"
    }

    if ($PlanOnly) {
        $plan = [ordered]@{ transport = $transport }
        foreach ($k in ($invoke.Keys | Sort-Object)) {
            $v = $invoke[$k]
            if ($k -eq 'ScriptBlock') { $v = 'ExTlsCollector.ps1' }
            elseif ($k -eq 'Credential') { $v = $v.UserName }
            elseif ($k -eq 'SessionOption') { $v = @{ OpenTimeout = $v.OpenTimeout.TotalMilliseconds } }
            $plan[$k] = $v
        }
        return @{ plan = $plan }
    }
    $output = Invoke-Command @invoke
    return @{ output = (@($output) | ForEach-Object { [string]$_ }) -join "`n" }
}

function Get-FailureCategory($ErrorRecord) {
    $ex = $ErrorRecord.Exception
    while ($ex -is [System.Management.Automation.ActionPreferenceStopException] -and $ex.InnerException) { $ex = $ex.InnerException }
    $text = $ex.Message
    $isTransport = $ex -is [System.Management.Automation.Remoting.PSRemotingTransportException] -or
        "$($ErrorRecord.FullyQualifiedErrorId)" -match 'PSSessionStateBroken|PSSessionOpenFailed|WinRMOperation'
    if ($ex -is [System.NotSupportedException]) { return 'unreachable' }
    if (-not $isTransport) { return 'collector-error' }
    if ($text -match 'Access is denied|Logon failure|authenticat|credential|password|Kerberos|401|publickey|Permission denied') { return 'auth' }
    if ($text -match 'timed out|timeout') { return 'timeout' }
    if ($ex.GetType().Name -eq 'PSRemotingTransportException' -and "$($ErrorRecord.FullyQualifiedErrorId)" -match 'PSSessionStateBroken' -and
        $text -match 'SSH') {
        # The SSH server answered (pre-flight passed) yet the session never opened: key, user or host key refused.
        return 'auth'
    }
    return 'unreachable'
}

function Get-FailureMessage($ErrorRecord, [string]$Category) {
    $msg = $ErrorRecord.Exception.Message
    if ($Category -eq 'auth' -and $msg -match 'SSH transport process has abruptly terminated') {
        $msg = 'the SSH server answered but the session could not be opened (key, user name or host key refused); ' + $msg
    }
    return $msg
}

$job = [Console]::In.ReadToEnd() | ConvertFrom-Json
$collectorText = [IO.File]::ReadAllText([string]$job.collectorPath).TrimStart([char]0xFEFF)
$throttle = [int]$job.throttle
$credential = $null
$credentialData = Get-Prop $job 'credential'
if ($credentialData) {
    # Built here, from stdin data, so the password is never on a command line or in an environment.
    $secure = ConvertTo-SecureString -String ([string]$credentialData.password) -AsPlainText -Force
    $credential = New-Object System.Management.Automation.PSCredential ([string]$credentialData.userName, $secure)
    $credentialData = $null
    $job.credential = $null
}

$pool = [runspacefactory]::CreateRunspacePool(1, $throttle)
$pool.Open()
$pending = New-Object System.Collections.Queue
foreach ($s in @($job.servers)) {
    # Everything the main thread needs later is read here, before any worker runs; workers get JSON text.
    $pending.Enqueue(@{
        json = ($s | ConvertTo-Json -Depth 20 -Compress)
        name = [string]$s.name
        transport = [string]$s.transport
        timeoutMs = [double]$s.timeoutSeconds * 1000
    })
}
$running = New-Object System.Collections.ArrayList

try {
    while ($pending.Count -gt 0 -or $running.Count -gt 0) {
        # Keep at most $throttle in flight; the pool enforces it too, but queuing here lets the
        # per-server timeout start when the server's work starts, not when it was queued.
        while ($pending.Count -gt 0 -and $running.Count -lt $throttle) {
            $server = $pending.Dequeue()
            $ps = [powershell]::Create()
            $ps.RunspacePool = $pool
            [void]$ps.AddScript($worker).AddArgument($server.json).AddArgument($collectorText).AddArgument($credential).AddArgument([bool]$PlanOnly)
            [void]$running.Add(@{
                server = $server; ps = $ps; handle = $ps.BeginInvoke()
                started = [DateTime]::UtcNow; watch = [Diagnostics.Stopwatch]::StartNew()
                timeoutMs = $server.timeoutMs
            })
        }
        $finished = @()
        foreach ($item in $running) {
            $record = @{
                server = $item.server.name; transport = $item.server.transport
                startedAt = $item.started.ToString('o'); durationMs = 0
                outcome = 'failed'; category = $null; message = $null; output = $null
            }
            if ($item.handle.IsCompleted) {
                $record.durationMs = [int]$item.watch.ElapsedMilliseconds
                try {
                    $result = @($item.ps.EndInvoke($item.handle))
                    $errors = @($item.ps.Streams.Error)
                    $value = $null
                    if ($result.Count -gt 0) { $value = $result[$result.Count - 1] }
                    if ($value -is [hashtable] -and $value.ContainsKey('plan')) {
                        $record.outcome = 'plan'; $record.plan = $value.plan
                    } elseif ($value -is [hashtable] -and $value.ContainsKey('category')) {
                        $record.category = $value.category; $record.message = $value.message
                    } elseif ($errors.Count -gt 0) {
                        $record.category = Get-FailureCategory $errors[0]
                        $record.message = Get-FailureMessage $errors[0] $record.category
                    } elseif ($value -is [hashtable]) {
                        $record.outcome = 'ok'; $record.output = [string]$value.output
                    } else {
                        $record.category = 'invalid-output'; $record.message = 'the collector returned nothing'
                    }
                } catch {
                    $err = $_
                    if ($err.Exception.InnerException -and $err.Exception.InnerException.PSObject.Properties['ErrorRecord']) {
                        $err = $err.Exception.InnerException.ErrorRecord
                    }
                    $record.category = Get-FailureCategory $err
                    $record.message = Get-FailureMessage $err $record.category
                }
                $item.ps.Dispose()
                $finished += $item
                Write-Record $record
            } elseif ($item.watch.ElapsedMilliseconds -gt $item.timeoutMs) {
                $record.durationMs = [int]$item.watch.ElapsedMilliseconds
                $record.category = 'timeout'
                $record.message = "no result within $([int]($item.timeoutMs / 1000)) s; the collection was stopped"
                # BeginStop: a hung connection must not hold up the others.
                [void]$item.ps.BeginStop($null, $null)
                $finished += $item
                Write-Record $record
            }
        }
        foreach ($item in $finished) { $running.Remove($item) }
        if ($running.Count -gt 0) { Start-Sleep -Milliseconds 20 }
    }
} finally {
    $pool.Close()
}
