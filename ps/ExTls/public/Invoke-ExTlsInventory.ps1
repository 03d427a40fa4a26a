function Invoke-ExTlsInventory {
    <#
    .SYNOPSIS
        Reads the TLS settings, Windows and Exchange builds and protocol-log evidence of Exchange servers, one object per server as each finishes.

    .DESCRIPTION
        Runs `extls inventory` for the servers you give, by name (pipe in Get-ExchangeServer, Get-ADComputer or
        plain names) or as a fleet file, and writes one ExTls.InventoryRecord per server to the pipeline as soon as
        that server is done, so `Where-Object`, `Select-Object -First` and Out-GridView see results while slow
        servers are still being read.

        Every server gets exactly one object, Status Ok or Failed. A failed server (unreachable, name-not-resolved,
        auth, timeout, collector-error, invalid-output, interrupted; from drop folders stale, duplicate, clock-skew)
        is data, as dbatools has it: its record (Status Failed, Category, Message) plus a warning naming the server;
        the other servers go on, also in a script under $ErrorActionPreference = 'Stop', and -OutFile holds the whole
        fleet. With -EnableException the first failed server is a terminating error instead, whose TargetObject is
        the server name, whose ErrorId is 'ExTls.ServerFailed,<category>' and whose category is ConnectionError
        (unreachable), ObjectNotFound (name-not-resolved), AuthenticationError (auth), OperationTimeout (timeout),
        OperationStopped (interrupted) or InvalidResult.

        Whatever was collected is kept: with -OutFile, the inventory file is written even when the run stops early
        (-EnableException, Select-Object -First, Ctrl+C), holding the servers read so far. An -OutFile that cannot be
        written (no such folder, a folder, no permission) fails in begin, before anything runs.

        Write-Progress shows the total and percent from the start and the server that just finished; -Verbose says per
        server what happened and how long it took. Both come from the CLI's progress events (`--progress json`), so
        they work for fleet files too. A record the CLI left out (a second record of one server) is a warning.

        With -WhatIf nothing is contacted: for each server the transport parameters it would be given are shown
        (`extls inventory --plan`), without secrets.

        The servers are read over WinRM (default), SSH (PowerShell 7 on both sides) or locally; locally with
        -RegistryExportPath means offline, from `reg export` files of a server you cannot reach.

        The credential is handed to extls on its standard input as the first line and never appears on its command
        line or in its environment. The server list is handed over the same way, as JSON data.

        Needs Node.js 20+ (node on PATH, or $env:EXTLS_NODE) and the extls CLI (see about_ExTls: `extls` on PATH from
        npm install -g, $env:EXTLS_CLI, or the checkout the module lives in).

        Output properties: Server, Status, Category, Message, Address, Transport, Dag, Site, Role, OS,
        OSBuild and ExchangeBuild ([version]: they compare and sort as numbers), RebootPending, CollectedAt
        ([datetime], local time) and DurationMs. The whole record (schemas/inventory-record.schema.json) is in
        $_.Raw.Record and the line extls printed in $_.Raw.Json; they are not properties, so Export-Csv and
        ConvertTo-Json give the flat columns only.

    .PARAMETER ComputerName
        The servers to read. Takes strings and, from the pipeline, any object with one of the properties Fqdn,
        DNSHostName, ComputerName, ServerName, Server, Name, PSComputerName or Identity (the first that holds a name,
        in that order): Get-ExchangeServer, Get-ADComputer, Get-MailboxDatabase and Invoke-Command output pipe
        straight in. Any other object is refused with an error naming those properties. A DNS name
        (ex01.contoso.com) is connected to as given and shown by its first label in upper case (EX01), as in a fleet file;
        IP addresses and names whose first labels collide are shown whole.

    .PARAMETER FleetFile
        A fleet file (YAML or JSON, schemas/fleet.schema.json) instead of -ComputerName: per-server transport,
        address, DAG, site, role and collector options. Relative paths in it are resolved against its folder.

    .PARAMETER CollectorOutputPath
        A folder of collector output files (ExTlsCollector.ps1 -OutFile, dropped by GPO, SCCM or Ansible) to build the
        inventory from (`extls inventory --from`). Alone, nothing is connected to. With -FleetFile the folder is merged with the servers read live into one inventory: fleet servers with transport file take
        their record from the folder (with the fleet's site, DAG and role), files of servers the fleet does not name
        are taken as they are, and a server that is both read live and claimed by a file, or claimed by two files
        (a file copied under another name, a computer name reused), is a failed record of category duplicate naming
        the files, rather than two records of one server. A fleet server with transport file that has no file there
        is a failed record of category stale.

    .PARAMETER StaleAfter
        With -CollectorOutputPath: a file whose report (the collector's start time, else the file time) is older than
        this is a failed record of category stale: the server stopped reporting (default 7 days; `--stale-after`).
        [timespan]::Zero turns the check off. At least one minute.

    .PARAMETER ExportsPath
        Offline: a folder with one sub-folder per server holding its `reg export` files (and logs/), read instead of
        connecting to anything (`extls inventory --exports`).

    .PARAMETER Credential
        The account for WinRM. Without it the current (Kerberos) identity is used. Given to extls over stdin only.

    .PARAMETER Transport
        How to reach the servers given by -ComputerName: winrm (default), ssh or local.

    .PARAMETER ThrottleLimit
        How many servers are read at the same time (default: the fleet file's throttle, else 32).

    .PARAMETER TimeoutSeconds
        Per-server time limit in seconds; overrides the fleet file's timeouts (default 300).

    .PARAMETER UseSSL
        WinRM over HTTPS (port 5986 unless -Port says otherwise).

    .PARAMETER Port
        The WinRM or SSH port of the servers given by -ComputerName.

    .PARAMETER Authentication
        WinRM authentication mechanism: Default, Basic, Negotiate, NegotiateWithImplicitCredential, Credssp, Digest or Kerberos.

    .PARAMETER SshUserName
        User name for SSH remoting (-Transport ssh).

    .PARAMETER SshKeyFilePath
        Private key file for SSH remoting (-Transport ssh).

    .PARAMETER RegistryExportPath
        Per-server `reg export` files or folders of .reg files, keyed by server name (or address):
        @{ EX01 = 'D:\exports\EX01'; EX02 = 'D:\exports\EX02\schannel.reg', 'D:\exports\EX02\net.reg' }.
        With -Transport local the server is read from these files instead of a live registry. A key that names none
        of the servers, or (with -Transport local) a server without a key, is an error before anything runs: it
        would otherwise read this computer's registry.

    .PARAMETER ProtocolLogPath
        Per-server folders of copied SMTP protocol logs, keyed by server name (or address), read with the exports.
        A key that names none of the servers is an error.

    .PARAMETER CollectorOption
        Collector options for every server, as in a fleet file's defaults.collector, e.g. @{ logDays = 3 } or
        @{ scanLogs = $false } (schemas/fleet.schema.json).

    .PARAMETER PowerShellPath
        The PowerShell that runs the fan-out (`extls inventory --pwsh`; default: $env:EXTLS_PWSH, pwsh on PATH, then
        powershell.exe).

    .PARAMETER OutFile
        Also write the whole inventory (schemas/inventory.schema.json) to this file, for Get-ExTlsFinding,
        New-ExTlsRunbook and `extls analyze`. Written when the run ends, all at once (atomically), also when it ends
        early; its folder must exist.

    .PARAMETER WhatIf
        Shows what each server would be given (transport, address, collector options; no secrets) and contacts nothing.

    .PARAMETER Confirm
        Asks before the servers are read.

    .PARAMETER EnableException
        Throw a terminating error for the first failed server instead of writing a warning.

    .EXAMPLE
        PS C:\> Get-ExchangeServer | Invoke-ExTlsInventory | Where-Object Status -ne 'Ok'

        Reads every Exchange server over WinRM as the current user and shows the ones that could not be read.

    .EXAMPLE
        PS C:\> $cred = Get-Credential CONTOSO\svc-extls
        PS C:\> Get-ADComputer -Filter 'Name -like "EX*"' | Invoke-ExTlsInventory -Credential $cred -ThrottleLimit 16 -OutFile .\inventory.json

        Reads the servers found in Active Directory (by DNSHostName) with another account, 16 at a time, and keeps
        the inventory in inventory.json for Get-ExTlsFinding and New-ExTlsRunbook.

    .EXAMPLE
        PS C:\> 'ex01.contoso.com', 'ex02.contoso.com' | Invoke-ExTlsInventory -UseSSL -Authentication Kerberos -TimeoutSeconds 120 |
        >>     Format-Table Server, Status, OSBuild, ExchangeBuild, RebootPending

        WinRM over HTTPS; shown as EX01 and EX02.

    .EXAMPLE
        PS C:\> Invoke-ExTlsInventory -ComputerName EX09 -Transport local -RegistryExportPath @{ EX09 = '\\fs01\exports\EX09' } -ProtocolLogPath @{ EX09 = '\\fs01\exports\EX09\logs' }

        Judges a server you cannot reach from the .reg files someone exported on it (reg export HKLM\...\SCHANNEL etc.).

    .EXAMPLE
        PS C:\> $records = Invoke-ExTlsInventory -FleetFile .\fleet.yaml -WarningAction SilentlyContinue
        PS C:\> $records | Where-Object Status -eq 'Failed' | Select-Object Server, Category, Message

        Runs a fleet file quietly and lists afterwards which servers failed and why.

    .EXAMPLE
        PS C:\> $ErrorActionPreference = 'Stop'
        PS C:\> Invoke-ExTlsInventory -FleetFile .\fleet.yaml -OutFile .\inventory.json

        In a strict script too, every server is read and .\inventory.json holds all of them; a failed server is a
        warning and a record with Status Failed.

    .EXAMPLE
        PS C:\> Invoke-ExTlsInventory -FleetFile .\fleet.yaml -WhatIf

        Shows, per server, the transport and the collector options it would be given; connects to nothing.

    .EXAMPLE
        PS C:\> Invoke-ExTlsInventory -CollectorOutputPath \\fs01\extls$ -OutFile .\inventory.json

        Builds the inventory from the collector files a GPO startup script dropped on a share.

    .EXAMPLE
        PS C:\> Invoke-ExTlsInventory -FleetFile .\fleet.yaml -CollectorOutputPath \\fs01\extls$ -StaleAfter (New-TimeSpan -Hours 36) -OutFile .\inventory.json

        One inventory of the servers read over WinRM and those behind firewalls that report through the share (transport
        file in the fleet); a server whose last report is older than 36 hours is failed as stale.

    .EXAMPLE
        PS C:\> try { Get-ExchangeServer | Invoke-ExTlsInventory -EnableException } catch { Send-MailMessage -Subject "extls: $($_.TargetObject) failed" ... }

        In a scheduled task: stop at the first server that cannot be read.

    .INPUTS
        System.String, or any object with a Fqdn, DNSHostName, ComputerName, ServerName, Server, Name, PSComputerName
        or Identity property.

    .OUTPUTS
        ExTls.InventoryRecord

    .LINK
        Get-ExTlsFinding

    .LINK
        New-ExTlsRunbook
    #>
    [CmdletBinding(DefaultParameterSetName = 'ComputerName', SupportsShouldProcess, ConfirmImpact = 'Low')]
    [OutputType('ExTls.InventoryRecord')]
    param(
        [Parameter(Mandatory, Position = 0, ValueFromPipeline, ParameterSetName = 'ComputerName')]
        [Alias('CN')]
        [ValidateNotNullOrEmpty()]
        [object[]] $ComputerName,

        [Parameter(Mandatory, ParameterSetName = 'FleetFile')]
        [ValidateNotNullOrEmpty()]
        [string] $FleetFile,

        [Parameter(Mandatory, ParameterSetName = 'CollectorOutput')]
        [Parameter(ParameterSetName = 'FleetFile')]
        [ValidateNotNullOrEmpty()]
        [string] $CollectorOutputPath,

        [Parameter(ParameterSetName = 'CollectorOutput')]
        [Parameter(ParameterSetName = 'FleetFile')]
        [ValidateScript({ $_ -eq [timespan]::Zero -or $_.TotalMinutes -ge 1 })]
        [timespan] $StaleAfter,

        [Parameter(Mandatory, ParameterSetName = 'Exports')]
        [ValidateNotNullOrEmpty()]
        [string] $ExportsPath,

        [Parameter(ParameterSetName = 'ComputerName')]
        [Parameter(ParameterSetName = 'FleetFile')]
        [System.Management.Automation.PSCredential]
        [System.Management.Automation.Credential()]
        $Credential = [System.Management.Automation.PSCredential]::Empty,

        [Parameter(ParameterSetName = 'ComputerName')]
        [ValidateSet('winrm', 'ssh', 'local')]
        [string] $Transport,

        [Parameter(ParameterSetName = 'ComputerName')]
        [Parameter(ParameterSetName = 'FleetFile')]
        [ValidateRange(1, 1024)]
        [int] $ThrottleLimit,

        [Parameter(ParameterSetName = 'ComputerName')]
        [Parameter(ParameterSetName = 'FleetFile')]
        [ValidateRange(1, 86400)]
        [int] $TimeoutSeconds,

        [Parameter(ParameterSetName = 'ComputerName')]
        [switch] $UseSSL,

        [Parameter(ParameterSetName = 'ComputerName')]
        [ValidateRange(1, 65535)]
        [int] $Port,

        [Parameter(ParameterSetName = 'ComputerName')]
        [ValidateSet('Default', 'Basic', 'Negotiate', 'NegotiateWithImplicitCredential', 'Credssp', 'Digest', 'Kerberos')]
        [string] $Authentication,

        [Parameter(ParameterSetName = 'ComputerName')]
        [ValidateNotNullOrEmpty()]
        [string] $SshUserName,

        [Parameter(ParameterSetName = 'ComputerName')]
        [ValidateNotNullOrEmpty()]
        [string] $SshKeyFilePath,

        [Parameter(ParameterSetName = 'ComputerName')]
        [hashtable] $RegistryExportPath,

        [Parameter(ParameterSetName = 'ComputerName')]
        [hashtable] $ProtocolLogPath,

        [Parameter(ParameterSetName = 'ComputerName')]
        [hashtable] $CollectorOption,

        [Parameter(ParameterSetName = 'ComputerName')]
        [Parameter(ParameterSetName = 'FleetFile')]
        [Parameter(ParameterSetName = 'Exports')]
        [ValidateNotNullOrEmpty()]
        [string] $PowerShellPath,

        [ValidateNotNullOrEmpty()]
        [string] $OutFile,

        [switch] $EnableException
    )

    begin {
        if (-not $PSBoundParameters.ContainsKey('ErrorAction')) { $ErrorActionPreference = Get-ExTlsCallerErrorAction -Cmdlet $PSCmdlet -Default $ErrorActionPreference }
        $names = New-Object System.Collections.Generic.List[string]
        $outPath = $null
        if ($OutFile) { $outPath = Resolve-ExTlsOutFile -Path $OutFile -Cmdlet $PSCmdlet }
    }

    process {
        if ($PSCmdlet.ParameterSetName -ne 'ComputerName') { return }
        foreach ($c in $ComputerName) {
            try {
                $name = Resolve-ExTlsComputerName -InputObject $c
            } catch {
                $PSCmdlet.ThrowTerminatingError((New-ExTlsErrorRecord -Message $_.Exception.Message -ErrorId 'ExTls.UnsupportedInput' -Category InvalidArgument -TargetObject $c -ExceptionType 'System.ArgumentException'))
            }
            if ($name) { $names.Add($name) }
        }
    }

    end {
        $pathOf = { param($p) $ExecutionContext.SessionState.Path.GetUnresolvedProviderPathFromPSPath($p) }
        $workingDirectory = $PSCmdlet.SessionState.Path.CurrentFileSystemLocation.ProviderPath

        # What the CLI reads: a fleet (data, JSON or the fleet file's text, written to its stdin) or a folder.
        $arguments = New-Object System.Collections.Generic.List[string]
        $arguments.Add('inventory')
        $fleetText = ''
        switch ($PSCmdlet.ParameterSetName) {
            'FleetFile' {
                $fleetPath = & $pathOf $FleetFile
                if (-not (Test-Path -LiteralPath $fleetPath -PathType Leaf)) {
                    $er = New-ExTlsErrorRecord -Message "Fleet file '$FleetFile' was not found." -ErrorId 'ExTls.FleetFileNotFound' -Category ObjectNotFound -TargetObject $FleetFile -ExceptionType 'System.IO.FileNotFoundException'
                    $PSCmdlet.ThrowTerminatingError($er)
                }
                $fleetText = [System.IO.File]::ReadAllText($fleetPath, [System.Text.Encoding]::UTF8)
                $workingDirectory = Split-Path -Path $fleetPath -Parent
                $source = $fleetPath
                foreach ($a in '--fleet', '-') { $arguments.Add($a) }
            }
            'ComputerName' {
                if ($names.Count -eq 0) { return }
                $fleetArgs = @{
                    ComputerName  = $names.ToArray()
                    ResolvePath   = $pathOf
                    UseCredential = $true
                }
                foreach ($p in 'Transport', 'RegistryExportPath', 'ProtocolLogPath', 'CollectorOption', 'Port', 'Authentication', 'SshUserName', 'SshKeyFilePath', 'UseSSL') {
                    if ($PSBoundParameters.ContainsKey($p)) { $fleetArgs[$p] = $PSBoundParameters[$p] }
                }
                try {
                    $fleet = New-ExTlsFleet @fleetArgs
                } catch {
                    $PSCmdlet.ThrowTerminatingError((New-ExTlsErrorRecord -Message $_.Exception.Message -ErrorId 'ExTls.InvalidArgument' -Category InvalidArgument -TargetObject $names.ToArray() -ExceptionType 'System.ArgumentException'))
                }
                $fleetText = ConvertTo-Json -InputObject $fleet -Depth 12 -Compress
                $source = 'Invoke-ExTlsInventory'
                foreach ($a in '--fleet', '-') { $arguments.Add($a) }
            }
            'Exports' {
                $folder = & $pathOf $ExportsPath
                if (-not (Test-Path -LiteralPath $folder -PathType Container)) {
                    $PSCmdlet.ThrowTerminatingError((New-ExTlsErrorRecord -Message "The folder '$ExportsPath' was not found." -ErrorId 'ExTls.FolderNotFound' -Category ObjectNotFound -TargetObject $ExportsPath -ExceptionType 'System.IO.DirectoryNotFoundException'))
                }
                $source = $folder
                # one argv element: --name=value can never be read as another option
                $arguments.Add("--exports=$folder")
            }
        }
        # A drop folder alone, or merged with the live servers of a fleet file (`--fleet - --from`).
        if ($CollectorOutputPath) {
            $folder = & $pathOf $CollectorOutputPath
            if (-not (Test-Path -LiteralPath $folder -PathType Container)) {
                $PSCmdlet.ThrowTerminatingError((New-ExTlsErrorRecord -Message "The folder '$CollectorOutputPath' was not found." -ErrorId 'ExTls.FolderNotFound' -Category ObjectNotFound -TargetObject $CollectorOutputPath -ExceptionType 'System.IO.DirectoryNotFoundException'))
            }
            $source = if ($arguments.Contains('--fleet')) { "$source + $folder" } else { $folder }
            $arguments.Add("--from=$folder")
        }
        if ($PSBoundParameters.ContainsKey('StaleAfter')) {
            if (-not $CollectorOutputPath) {
                $PSCmdlet.ThrowTerminatingError((New-ExTlsErrorRecord -Message '-StaleAfter applies to the files of -CollectorOutputPath; give that folder too.' -ErrorId 'ExTls.StaleAfterWithoutCollectorOutputPath' -Category InvalidArgument -TargetObject $StaleAfter -ExceptionType 'System.ArgumentException'))
            }
            # whole or decimal minutes, or off; culture-independent
            $age = if ($StaleAfter -eq [timespan]::Zero) { 'off' } else { $StaleAfter.TotalMinutes.ToString('0.###', [Globalization.CultureInfo]::InvariantCulture) + 'm' }
            $arguments.Add("--stale-after=$age")
        }
        if ($PowerShellPath) { $arguments.Add('--pwsh=' + (& $pathOf $PowerShellPath)) }

        try {
            $cli = Resolve-ExTlsCli
        } catch {
            $PSCmdlet.ThrowTerminatingError((New-ExTlsErrorRecord -Message $_.Exception.Message -ErrorId 'ExTls.CliNotFound' -Category ObjectNotFound -TargetObject 'extls' -ExceptionType 'System.IO.FileNotFoundException'))
        }

        if ($WhatIfPreference -and $arguments.Contains('--fleet')) {
            # -WhatIf: `extls inventory --plan` says what each server would be given; nothing is contacted.
            $planArgs = @($arguments.ToArray()) + @('--plan')
            $plan = Invoke-ExTlsCliCommand -Argument $planArgs -InputText $fleetText -Cli $cli -WorkingDirectory $workingDirectory
            if ($plan.ExitCode -ne 0) {
                $PSCmdlet.ThrowTerminatingError((New-ExTlsErrorRecord -Message (Get-ExTlsCliMessage -Command 'inventory' -Result $plan) -ErrorId 'ExTls.CliFailed' -Category InvalidArgument -TargetObject $source))
            }
            foreach ($entry in @($plan.StdOut | ConvertFrom-Json)) {
                $p = $entry.plan
                $what = @("Read over $(Get-ExTlsProperty $p 'transport')")
                foreach ($key in 'ComputerName', 'HostName', 'Port', 'UseSSL', 'Authentication', 'UserName', 'KeyFilePath') {
                    $v = Get-ExTlsProperty $p $key
                    if ($null -ne $v -and "$v" -ne '') { $what += "$key $v" }
                }
                [void]$PSCmdlet.ShouldProcess([string]$entry.server, ($what -join ', '))
            }
            return
        }
        if (-not $PSCmdlet.ShouldProcess($source, 'Read the TLS settings of the servers')) { return }

        # Only fixed flags and validated integers go on the command line; the credential and the fleet go on stdin.
        # Progress comes as JSON events on stderr (--progress json): the total from the start, never prose to read.
        foreach ($a in '--format', 'ndjson', '--progress', 'json') { $arguments.Add($a) }
        if ($VerbosePreference -ne 'SilentlyContinue') { $arguments.Add('--verbose') }
        $inputText = ''
        if ($Credential -and $Credential -ne [System.Management.Automation.PSCredential]::Empty) {
            $arguments.Add('--credential-stdin')
            $credentialLine = ConvertTo-Json -Compress -InputObject ([ordered]@{
                    userName = $Credential.UserName
                    password = $Credential.GetNetworkCredential().Password
                })
            $inputText = $credentialLine + "`n"
            $credentialLine = $null
        }
        if ($ThrottleLimit -gt 0) { $arguments.Add('--throttle'); $arguments.Add([string]$ThrottleLimit) }
        if ($TimeoutSeconds -gt 0) { $arguments.Add('--timeout'); $arguments.Add([string]$TimeoutSeconds) }
        $inputText += $fleetText

        $psi = New-ExTlsProcessStartInfo -Argument $arguments.ToArray() -WorkingDirectory $workingDirectory -Cli $cli
        Write-Verbose ("Running: node {0} {1}" -f $cli.Script, ($arguments -join ' '))

        $activity = 'extls inventory'
        $progress = New-ExTlsProgressState -Activity $activity -WarningEvents
        $lines = New-Object System.Collections.Generic.List[string]
        $count = 0
        $okCount = 0
        $run = $null
        $finished = $false
        $result = $null
        try {
            $run = Start-ExTlsCli -StartInfo $psi -InputText $inputText -Progress $progress
            $inputText = $null
            while ($null -ne ($line = Read-ExTlsCliLine -Run $run)) {
                if (-not $line.Trim()) { continue }
                try {
                    $item = ConvertTo-ExTlsInventoryRecord -Line $line
                } catch {
                    Write-Warning "extls printed a line that is not an inventory record; ignored: $($_.Exception.Message)"
                    continue
                }
                $lines.Add($line)
                $count++
                if ($item.Status -eq 'Ok') { $okCount++ }

                $item
                if ($item.Status -ne 'Ok') {
                    # dbatools' convention: a failed server is data (its record, Status Failed) plus a warning, so a
                    # script under $ErrorActionPreference = 'Stop' still collects the whole fleet and writes -OutFile;
                    # -EnableException makes it a terminating error for scripts that want to stop.
                    $category = [string]$item.Category
                    $text = "{0}: {1}: {2}" -f $item.Server, $category, $item.Message
                    if ($EnableException) {
                        $er = New-ExTlsErrorRecord -Message $text -ErrorId "ExTls.ServerFailed,$category" -Category (Get-ExTlsFailureErrorCategory -Category $category) -TargetObject $item.Server
                        $PSCmdlet.ThrowTerminatingError($er)
                    }
                    Write-Warning $text
                }
            }
            $result = Complete-ExTlsCli -Run $run
            $finished = $true
        } finally {
            if (-not $finished) { Stop-ExTlsCli -Run $run }
            # Whatever was collected is kept, also when the run stops early (-ErrorAction Stop, -EnableException,
            # Select-Object -First, Ctrl+C). No stream writes here: the pipeline may be stopping.
            if ($outPath -and ($finished -or $lines.Count -gt 0)) {
                $fileSource = $source
                if (-not $finished) { $fileSource = "$source (stopped early after $($lines.Count) servers)" }
                Write-ExTlsInventoryFile -Path $outPath -RecordJson $lines.ToArray() -OkCount $okCount -Source $fileSource -Cli $cli
            }
        }
        Write-Progress -Activity $activity -Completed

        foreach ($l in @(([string]$result.StdErr) -split '\r?\n' | Where-Object { $_.Trim() })) { Write-Verbose "extls: $l" }
        if ($result.ExitCode -ne 0 -and $result.ExitCode -ne 2) {
            $message = Get-ExTlsCliMessage -Command 'inventory' -Result $result
            $PSCmdlet.ThrowTerminatingError((New-ExTlsErrorRecord -Message $message -ErrorId 'ExTls.CliFailed' -Category InvalidArgument -TargetObject $source))
        }
        if ($outPath) { Write-Verbose "Wrote $outPath ($count servers)" }
    }
}
