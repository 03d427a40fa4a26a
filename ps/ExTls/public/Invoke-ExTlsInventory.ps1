function Invoke-ExTlsInventory {
    <#
    .SYNOPSIS
        Reads the TLS settings, Windows and Exchange builds and protocol-log evidence of Exchange servers, one object per server as each finishes.

    .DESCRIPTION
        Runs `extls inventory` for the servers you give, by name (pipe in Get-ExchangeServer, Get-ADComputer or
        plain names) or as a fleet file, and writes one ExTls.InventoryRecord per server to the pipeline as soon as
        that server is done, so `Where-Object`, `Select-Object -First` and Out-GridView see results while slow
        servers are still being read.

        Every server gets exactly one object, Status Ok or Failed. A failed server (unreachable, auth, timeout,
        collector-error, invalid-output) is also a non-terminating error whose TargetObject is the server name,
        whose ErrorId is 'ExTls.ServerFailed,<category>' and whose category is ConnectionError (unreachable),
        AuthenticationError (auth), OperationTimeout (timeout) or InvalidResult; the other servers go on.
        With -EnableException the first failed server throws instead, for scripts that want try/catch.

        The servers are read over WinRM (default), SSH (PowerShell 7 on both sides) or locally; locally with
        -RegistryExportPath means offline, from `reg export` files of a server you cannot reach.

        The credential is handed to extls on its standard input as the first line and never appears on its command
        line or in its environment. The server list is handed over the same way, as JSON data.

        Needs Node.js 20+ (node on PATH, or $env:EXTLS_NODE) and the extls CLI: the module uses bin/extls.js of the
        checkout it lives in, or $env:EXTLS_CLI.

        Output properties: Server, Status, Category, Message, Address, Transport, Dag, Site, Role, OS, OSBuild,
        ExchangeBuild, RebootPending, DurationMs, Record (the whole record, schemas/inventory-record.schema.json)
        and RecordJson (the record exactly as extls printed it).

    .PARAMETER ComputerName
        The servers to read. Takes strings and, from the pipeline, any object with a Fqdn, DNSHostName, Name or
        ComputerName property: Get-ExchangeServer and Get-ADComputer output pipes straight in. A DNS name
        (ex01.contoso.com) is connected to as given and shown by its first label in upper case (EX01), as in a fleet file;
        IP addresses and names whose first labels collide are shown whole.

    .PARAMETER FleetFile
        A fleet file (YAML or JSON, schemas/fleet.schema.json) instead of -ComputerName: per-server transport,
        address, DAG, site, role and collector options. Relative paths in it are resolved against its folder.

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
        With -Transport local the server is read from these files instead of a live registry.

    .PARAMETER ProtocolLogPath
        Per-server folders of copied SMTP protocol logs, keyed by server name (or address), read with the exports.

    .PARAMETER CollectorOption
        Collector options for every server, as in a fleet file's defaults.collector, e.g. @{ logDays = 3 } or
        @{ scanLogs = $false } (schemas/fleet.schema.json).

    .PARAMETER OutFile
        Also write the whole inventory (schemas/inventory.schema.json) to this file, for Get-ExTlsFinding,
        New-ExTlsRunbook and `extls analyze`. Written when the run ends, all at once (atomically).

    .PARAMETER EnableException
        Throw a terminating error for the first failed server instead of writing a non-terminating error.

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
        PS C:\> $failed = @()
        PS C:\> $records = Invoke-ExTlsInventory -FleetFile .\fleet.yaml -ErrorVariable +failed -ErrorAction SilentlyContinue
        PS C:\> $failed | Select-Object TargetObject, @{ n = 'Why'; e = { $_.CategoryInfo.Category } }, Exception

        Runs a fleet file quietly and lists afterwards which servers failed and why.

    .EXAMPLE
        PS C:\> try { Get-ExchangeServer | Invoke-ExTlsInventory -EnableException } catch { Send-MailMessage -Subject "extls: $($_.TargetObject) failed" ... }

        In a scheduled task: stop at the first server that cannot be read.

    .INPUTS
        System.String, or any object with a Fqdn, DNSHostName, Name or ComputerName property.

    .OUTPUTS
        ExTls.InventoryRecord

    .LINK
        Get-ExTlsFinding

    .LINK
        New-ExTlsRunbook
    #>
    [CmdletBinding(DefaultParameterSetName = 'ComputerName')]
    [OutputType('ExTls.InventoryRecord')]
    param(
        [Parameter(Mandatory, Position = 0, ValueFromPipeline, ValueFromPipelineByPropertyName, ParameterSetName = 'ComputerName')]
        [Alias('Fqdn', 'DNSHostName', 'Name', 'CN')]
        [ValidateNotNullOrEmpty()]
        [string[]] $ComputerName,

        [Parameter(Mandatory, ParameterSetName = 'FleetFile')]
        [ValidateNotNullOrEmpty()]
        [string] $FleetFile,

        [System.Management.Automation.PSCredential]
        [System.Management.Automation.Credential()]
        $Credential = [System.Management.Automation.PSCredential]::Empty,

        [Parameter(ParameterSetName = 'ComputerName')]
        [ValidateSet('winrm', 'ssh', 'local')]
        [string] $Transport,

        [ValidateRange(1, 1024)]
        [int] $ThrottleLimit,

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

        [ValidateNotNullOrEmpty()]
        [string] $OutFile,

        [switch] $EnableException
    )

    begin {
        $names = New-Object System.Collections.Generic.List[string]
    }

    process {
        if ($PSCmdlet.ParameterSetName -eq 'ComputerName') {
            foreach ($c in $ComputerName) { if ($c) { $names.Add($c) } }
        }
    }

    end {
        $pathOf = { param($p) $ExecutionContext.SessionState.Path.GetUnresolvedProviderPathFromPSPath($p) }

        # -OutFile is written after the whole run: a folder that is not there must fail now, not after it.
        if ($OutFile) {
            $outCheck = & $pathOf $OutFile
            $outFolder = Split-Path -Path $outCheck -Parent
            if (Test-Path -LiteralPath $outCheck -PathType Container) {
                $PSCmdlet.ThrowTerminatingError((New-ExTlsErrorRecord -Message "OutFile '$OutFile' is a folder; give a file name." -ErrorId 'ExTls.OutFileIsFolder' -Category InvalidArgument -TargetObject $OutFile))
            }
            if (-not (Test-Path -LiteralPath $outFolder -PathType Container)) {
                $PSCmdlet.ThrowTerminatingError((New-ExTlsErrorRecord -Message "OutFile '$OutFile': the folder '$outFolder' does not exist." -ErrorId 'ExTls.OutFolderNotFound' -Category ObjectNotFound -TargetObject $OutFile -ExceptionType 'System.IO.DirectoryNotFoundException'))
            }
        }

        # The fleet: data, serialised as JSON and written to the CLI's stdin.
        $total = 0
        if ($PSCmdlet.ParameterSetName -eq 'FleetFile') {
            $fleetPath = & $pathOf $FleetFile
            if (-not (Test-Path -LiteralPath $fleetPath -PathType Leaf)) {
                $er = New-ExTlsErrorRecord -Message "Fleet file '$FleetFile' was not found." -ErrorId 'ExTls.FleetFileNotFound' -Category ObjectNotFound -TargetObject $FleetFile -ExceptionType 'System.IO.FileNotFoundException'
                $PSCmdlet.ThrowTerminatingError($er)
            }
            $fleetText = [System.IO.File]::ReadAllText($fleetPath, [System.Text.Encoding]::UTF8)
            $workingDirectory = Split-Path -Path $fleetPath -Parent
            $source = $fleetPath
        } else {
            if ($names.Count -eq 0) { return }
            $fleetArgs = @{
                ComputerName  = $names.ToArray()
                ResolvePath   = $pathOf
                UseCredential = $true
            }
            foreach ($p in 'Transport', 'RegistryExportPath', 'ProtocolLogPath', 'CollectorOption', 'Port', 'Authentication', 'SshUserName', 'SshKeyFilePath', 'UseSSL') {
                if ($PSBoundParameters.ContainsKey($p)) { $fleetArgs[$p] = $PSBoundParameters[$p] }
            }
            $fleet = New-ExTlsFleet @fleetArgs
            $total = @($fleet.servers).Count
            $fleetText = ConvertTo-Json -InputObject $fleet -Depth 12 -Compress
            $workingDirectory = $PSCmdlet.SessionState.Path.CurrentFileSystemLocation.ProviderPath
            $source = 'Invoke-ExTlsInventory'
        }

        # Only fixed flags and validated integers go on the command line.
        $arguments = New-Object System.Collections.Generic.List[string]
        foreach ($a in 'inventory', '--fleet', '-', '--format', 'ndjson', '--quiet') { $arguments.Add($a) }
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

        try {
            $cli = Resolve-ExTlsCli
        } catch {
            $PSCmdlet.ThrowTerminatingError((New-ExTlsErrorRecord -Message $_.Exception.Message -ErrorId 'ExTls.CliNotFound' -Category ObjectNotFound -TargetObject 'extls' -ExceptionType 'System.IO.FileNotFoundException'))
        }
        $psi = New-ExTlsProcessStartInfo -Argument $arguments.ToArray() -WorkingDirectory $workingDirectory -Cli $cli
        Write-Verbose ("Running: node {0} {1}" -f $cli.Script, ($arguments -join ' '))

        $lines = New-Object System.Collections.Generic.List[string]
        $count = 0
        $failedCount = 0
        $run = $null
        $finished = $false
        try {
            $run = Start-ExTlsCli -StartInfo $psi -InputText $inputText
            $inputText = $null
            while ($null -ne ($line = Read-ExTlsCliLine -Run $run)) {
                if (-not $line.Trim()) { continue }
                try {
                    $item = ConvertTo-ExTlsInventoryRecord -Line $line
                } catch {
                    Write-Warning "extls printed a line that is not an inventory record; ignored: $($_.Exception.Message)"
                    continue
                }
                if ($OutFile) { $lines.Add($line) }
                $count++
                $activity = 'extls inventory'
                if ($total -gt 0) {
                    Write-Progress -Activity $activity -Status "$count of $total servers ($($item.Server) $($item.Status))" -PercentComplete ([Math]::Min(100, [int](100 * $count / $total)))
                } else {
                    Write-Progress -Activity $activity -Status "$count servers ($($item.Server) $($item.Status))"
                }

                $item
                if ($item.Status -ne 'Ok') {
                    $failedCount++
                    $category = [string]$item.Category
                    $er = New-ExTlsErrorRecord -Message ("{0}: {1}: {2}" -f $item.Server, $category, $item.Message) `
                        -ErrorId "ExTls.ServerFailed,$category" -Category (Get-ExTlsFailureErrorCategory -Category $category) -TargetObject $item.Server
                    if ($EnableException) { $PSCmdlet.ThrowTerminatingError($er) }
                    $PSCmdlet.WriteError($er)
                }
            }
            $result = Complete-ExTlsCli -Run $run
            $finished = $true
        } finally {
            if (-not $finished) { Stop-ExTlsCli -Run $run }
        }
        Write-Progress -Activity 'extls inventory' -Completed

        foreach ($l in @(([string]$result.StdErr) -split '\r?\n' | Where-Object { $_.Trim() })) { Write-Verbose "extls: $l" }
        if ($result.ExitCode -ne 0 -and $result.ExitCode -ne 2) {
            $message = Get-ExTlsCliMessage -Command 'inventory' -Result $result
            $PSCmdlet.ThrowTerminatingError((New-ExTlsErrorRecord -Message $message -ErrorId 'ExTls.CliFailed' -Category InvalidArgument -TargetObject $source))
        }
        Write-Verbose "extls inventory: $count servers, $($count - $failedCount) ok, $failedCount failed"

        if ($OutFile) {
            $outPath = & $pathOf $OutFile
            Write-ExTlsInventoryFile -Path $outPath -RecordJson $lines.ToArray() -Source $source -Cli $cli
        }
    }
}
