# Main: options -> registry source -> sections -> one line of JSON (or -OutFile).
try {
$exTlsOptions = ConvertFrom-ExTlsOptions -Json $OptionsJson
# A bad rootThumbprints option is the caller's mistake: it fails the run, before anything is read, with its message.
[void](Get-ExTlsRootsToCheck $exTlsOptions.Raw)
# Compile the log scanner before reading .reg exports when logs will be scanned: PowerShell 7 compiles in process,
# and doing it while the parsed exports are still in memory adds the two peaks together.
if ((Get-Command -Name 'Initialize-ExTlsProtocolLogScanner' -CommandType Function -ErrorAction SilentlyContinue) -and
    $exTlsOptions.RegistryExports.Count -gt 0 -and $exTlsOptions.Raw.PSObject.Properties['protocolLogPaths'] -and
    -not ($exTlsOptions.Raw.PSObject.Properties['scanLogs'] -and $exTlsOptions.Raw.scanLogs -eq $false)) {
    try { Initialize-ExTlsProtocolLogScanner } catch { Add-ExTlsWarning -Section 'protocolLogs' -Message $_.Exception.Message }
}
Open-ExTlsRegistry -Files $exTlsOptions.RegistryExports -Hint 'give registryExports (.reg files)'

$exTlsSchannel = Invoke-ExTlsSection 'schannel' { Get-ExTlsSchannel }
$exTlsDotNet = Invoke-ExTlsSection 'dotNet' { Get-ExTlsDotNet }
$exTlsWinHttp = @(Invoke-ExTlsSection 'winHttp' { Get-ExTlsWinHttp })
$exTlsCipher = Invoke-ExTlsSection 'cipherSuiteOrder' { Get-ExTlsCipherSuiteOrder }
$exTlsAlgorithms = Invoke-ExTlsSection 'schannelAlgorithms' { Get-ExTlsSchannelAlgorithms }
$exTlsRootStore = Invoke-ExTlsSection 'rootStore' { Get-ExTlsRootStore -Options $exTlsOptions.Raw }
$exTlsOs = Invoke-ExTlsSection 'os' { Get-ExTlsOs }
$exTlsExchange = Invoke-ExTlsSection 'exchange' { Get-ExTlsExchange -InstallPathOverride $exTlsOptions.ExchangeInstallPath }
$exTlsPending = Invoke-ExTlsSection 'pendingReboot' { Get-ExTlsPendingReboot }
$exTlsCluster = Invoke-ExTlsSection 'cluster' { Get-ExTlsCluster }
# Certificates and connectors (45-ExchangeConfig.ps1): a failure is a warning and the section says "not read".
$exTlsExchangeConfig = $null
if (Get-Command -Name 'Get-ExTlsExchangeConfig' -CommandType Function -ErrorAction SilentlyContinue) {
    try {
        $exTlsExchangeConfig = Get-ExTlsExchangeConfig -Options $exTlsOptions.Raw -ComputerName $exTlsOptions.ComputerName
    } catch {
        Add-ExTlsWarning -Section 'exchangeConfig' -Message $_.Exception.Message
        $exTlsExchangeConfig = New-ExTlsExchangeConfig -Source 'not-read' -Message "not read: $($_.Exception.Message)"
    }
}

# Protocol-log evidence lives in 50-ProtocolLogs.ps1 when that part is bundled.
$exTlsProtocolLogs = $null
if (Get-Command -Name 'Get-ExTlsProtocolLogEvidence' -CommandType Function -ErrorAction SilentlyContinue) {
    # With .reg exports the registry's install path belongs to another server: only an explicit option counts.
    $exTlsLogInstallPath = $exTlsExchange.installPath
    if ($script:ExTlsReg.Kind -ne 'live') { $exTlsLogInstallPath = $exTlsOptions.ExchangeInstallPath }
    try {
        $exTlsProtocolLogs = Get-ExTlsProtocolLogEvidence -Options $exTlsOptions.Raw -ExchangeInstallPath $exTlsLogInstallPath -IsEdge ([bool]$exTlsExchange.isEdge)
    } catch {
        Add-ExTlsWarning -Section 'protocolLogs' -Message $_.Exception.Message
        $exTlsProtocolLogs = $null
    }
}

$exTlsEdition = 'Desktop'
if ($PSVersionTable.ContainsKey('PSEdition')) { $exTlsEdition = [string]$PSVersionTable.PSEdition }

$exTlsResult = [ordered]@{
    schemaVersion    = 1
    collector        = [ordered]@{
        version        = $script:ExTlsCollectorVersion
        psVersion      = $PSVersionTable.PSVersion.ToString()
        psEdition      = $exTlsEdition
        startedAt      = $script:ExTlsStartedAt
        durationMs     = [int64]$script:ExTlsStopwatch.ElapsedMilliseconds
        registrySource = $script:ExTlsReg.Kind
        registryFiles  = [string[]]@($script:ExTlsReg.Files)
    }
    computerName     = $exTlsOptions.ComputerName
    schannel         = $exTlsSchannel
    dotNet           = $exTlsDotNet
    winHttp          = $exTlsWinHttp
    cipherSuiteOrder = $exTlsCipher
    schannelAlgorithms = $exTlsAlgorithms
    rootStore        = $exTlsRootStore
    os               = $exTlsOs
    exchange         = $exTlsExchange
    pendingReboot    = $exTlsPending
    cluster          = $exTlsCluster
    protocolLogs     = $exTlsProtocolLogs
    exchangeConfig   = $exTlsExchangeConfig
    warnings         = $script:ExTlsWarnings.ToArray()
}
# The scanner hands protocolLogs over as JSON text (no object tree for ConvertTo-Json to wrap): the rest is
# converted with a placeholder string in its place, which the text then replaces.
$exTlsLogsJson = $null
if ($exTlsProtocolLogs -is [string]) {
    $exTlsLogsJson = $exTlsProtocolLogs
    $exTlsResult.protocolLogs = 'extls-protocol-logs-' + [Guid]::NewGuid().ToString('N')
}
$exTlsResult.collector.durationMs = [int64]$script:ExTlsStopwatch.ElapsedMilliseconds
$exTlsJson = ConvertTo-Json -InputObject $exTlsResult -Depth 20 -Compress
if ($null -ne $exTlsLogsJson) {
    $exTlsJson = $exTlsJson.Replace('"' + $exTlsResult.protocolLogs + '"', $exTlsLogsJson)
    $exTlsLogsJson = $null
    $exTlsProtocolLogs = $null
}

if ($OutFile) {
    # Temporary file in the same folder, then a move: a share never holds half a file.
    $exTlsTarget = $ExecutionContext.SessionState.Path.GetUnresolvedProviderPathFromPSPath($OutFile)
    $exTlsDir = [IO.Path]::GetDirectoryName($exTlsTarget)
    if ($exTlsDir -and -not [IO.Directory]::Exists($exTlsDir)) { [void][IO.Directory]::CreateDirectory($exTlsDir) }
    $exTlsTemp = $exTlsTarget + '.' + [Guid]::NewGuid().ToString('N') + '.tmp'
    try {
        [IO.File]::WriteAllText($exTlsTemp, $exTlsJson, (New-Object System.Text.UTF8Encoding($false)))
        if ([IO.File]::Exists($exTlsTarget)) { [IO.File]::Replace($exTlsTemp, $exTlsTarget, [NullString]::Value) }   # a plain $null would arrive as ''
        else { [IO.File]::Move($exTlsTemp, $exTlsTarget) }
    } catch {
        if ([IO.File]::Exists($exTlsTemp)) { [IO.File]::Delete($exTlsTemp) }
        throw "cannot write ${OutFile}: $($_.Exception.Message)"
    }
    Write-Information -MessageData "extls collector: wrote $exTlsTarget"
} else {
    Write-Output $exTlsJson
}
} catch {
    # A fresh error record: callers (pwsh -File, Invoke-Command) show just the message, not a source excerpt.
    $exTlsError = New-Object System.Management.Automation.ErrorRecord(
        (New-Object System.Exception("extls collector: $($_.Exception.Message)", $_.Exception)),
        'ExTlsCollectorFailed', [System.Management.Automation.ErrorCategory]::NotSpecified, $null)
    $PSCmdlet.ThrowTerminatingError($exTlsError)
}
