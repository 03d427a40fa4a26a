function Get-ExTlsServerState {
    <#
    .SYNOPSIS
        One object per server with its TLS state at a glance: policy verdicts, TLS 1.0-1.3 Client/Server, .NET, WinHTTP, reboot and worst severity.

    .DESCRIPTION
        Judges an inventory with `extls analyze` and returns one ExTls.ServerState per server: HealthChecker's TLS
        table for a whole fleet, with the OS's real defaults applied. Properties: Server, Status, Dag, Site, Role, OS,
        ExchangeBuild ([version]), Compliant (every policy passes), Verdicts ('tls12-ready: pass; legacy-off: fail'),
        Tls10Client, Tls10Server, Tls11Client, Tls11Server, Tls12Client, Tls12Server, Tls13Client, Tls13Server
        (the effective state: on, off, faulty or unknown), DotNet (the .NET Framework version), DotNetTls and WinHttp
        ('ok', or the ids of the failing findings), RebootPending, WorstSeverity and WorstSeverityRank (4 critical to 0
        info), FailingConnectors (connectors named by mail-flow failures failing now in the protocol logs and by failing
        connector findings), MailFlow ('failing now', 'earlier', 'no failures', or 'not checked' when no protocol logs were read),
        FailingNowCount and MailFlowFailureCount (mail-flow failure groups), MailFlowLastSeen ([datetime]),
        MailFlowErrorCount and LastMailFlowError (as summary.csv has them), Connectors
        ('ok', the ids of connector findings, or 'not checked' when no connectors were read), FindingCount and,
        for a server that could not be read, Category and Message. The whole analysis is in
        $_.Raw.Analysis.

        Records extls cannot judge are non-terminating errors ('ExTls.InvalidRecord'); -EnableException throws.

    .PARAMETER InventoryPath
        An inventory.json file.

    .PARAMETER InputObject
        Inventory records from the pipeline: the output of Invoke-ExTlsInventory or Get-ExTlsInventory.

    .PARAMETER Policy
        Policies the verdicts are for: tls12-ready (default), legacy-off or a policy JSON file; several may be given.
        Press Tab for the names (Get-ExTlsPolicy).

    .PARAMETER ReferenceTime
        Judge product support as of this time instead of now.

    .PARAMETER ProbePath
        Results of Test-ExTlsSmtpTls -AsExchangeOnline -OutFile (or `extls probe --as exchange-online --format json`):
        a server Exchange Online cannot deliver to gets a critical EXO-CANNOT-DELIVER finding (`extls analyze --probes`).

    .PARAMETER EnableException
        Throw a terminating error for a record that cannot be judged.

    .EXAMPLE
        PS C:\> Get-ExTlsServerState -InventoryPath .\inventory.json -Policy tls12-ready, legacy-off | Format-Table

        The fleet's TLS table: each server's verdicts and the effective state of every TLS version on both sides.

    .EXAMPLE
        PS C:\> Get-ExTlsServerState -InventoryPath .\inventory.json | Where-Object { -not $_.Compliant } | Sort-Object WorstSeverityRank -Descending

        The servers that are not ready yet, worst first.

    .EXAMPLE
        PS C:\> Get-ExTlsServerState -InventoryPath .\inventory.json | Export-Csv .\tls-state.csv -NoTypeInformation

        The same table for a spreadsheet: one flat row per server.

    .INPUTS
        ExTls.InventoryRecord

    .OUTPUTS
        ExTls.ServerState

    .LINK
        Get-ExTlsFinding
    #>
    [CmdletBinding(DefaultParameterSetName = 'InputObject')]
    [OutputType('ExTls.ServerState')]
    param(
        [Parameter(Mandatory, Position = 0, ParameterSetName = 'Path')]
        [ValidateNotNullOrEmpty()]
        [string] $InventoryPath,

        [Parameter(Mandatory, ValueFromPipeline, ParameterSetName = 'InputObject')]
        [object[]] $InputObject,

        [ValidateNotNullOrEmpty()]
        [string[]] $Policy,

        [datetime] $ReferenceTime,

        [ValidateNotNullOrEmpty()]
        [string] $ProbePath,

        [switch] $EnableException
    )

    begin {
        $records = New-Object System.Collections.Generic.List[object]
    }

    process {
        if ($PSCmdlet.ParameterSetName -eq 'InputObject') {
            foreach ($item in $InputObject) { if ($null -ne $item) { $records.Add($item) } }
        }
    }

    end {
        if ($PSCmdlet.ParameterSetName -eq 'InputObject' -and $records.Count -eq 0) { return }
        $analysis = @{ Cmdlet = $PSCmdlet; InventoryPath = $InventoryPath; InputObject = $records.ToArray(); Policy = $Policy; EnableException = $EnableException }
        if ($PSBoundParameters.ContainsKey('ReferenceTime')) { $analysis.ReferenceTime = $ReferenceTime }
        if ($ProbePath) { $analysis.ProbePath = $ProbePath }
        $doc = Invoke-ExTlsAnalysis @analysis

        foreach ($s in @(Get-ExTlsProperty $doc 'servers' @())) {
            $findings = @(Get-ExTlsProperty $s 'findings' @())
            $verdicts = @(Get-ExTlsProperty $s 'verdicts' @())
            $failingIn = {
                param($category)
                $ids = @($findings | Where-Object { $_.category -eq $category -and @($_.policies).Count -gt 0 } | ForEach-Object { $_.id })
                if ($s.status -ne 'ok') { return $null }
                if ($ids.Count -eq 0) { return 'ok' }
                return ($ids -join ', ')
            }
            $worst = Get-ExTlsProperty $s 'worstSeverity'
            $state = [ordered]@{
                PSTypeName        = 'ExTls.ServerState'
                Server            = [string]$s.server
                Status            = $(if ($s.status -eq 'ok') { 'Ok' } else { 'Failed' })
                Dag               = Get-ExTlsProperty $s 'groups', 'dag'
                Site              = Get-ExTlsProperty $s 'groups', 'site'
                Role              = Get-ExTlsProperty $s 'groups', 'role'
                OS                = Get-ExTlsProperty $s 'host', 'os', 'display'
                ExchangeBuild     = ConvertTo-ExTlsVersion (Get-ExTlsProperty $s 'host', 'exchange', 'build')
                Compliant         = ($verdicts.Count -gt 0 -and @($verdicts | Where-Object { $_.verdict -ne 'pass' }).Count -eq 0)
                Verdicts          = (@($verdicts | ForEach-Object { '{0}: {1}' -f $_.policy, $_.verdict }) -join '; ')
            }
            foreach ($version in '1.0', '1.1', '1.2', '1.3') {
                $protocol = @(Get-ExTlsProperty $s 'protocols' @() | Where-Object { $_.protocol -eq "TLS $version" }) | Select-Object -First 1
                $key = 'Tls' + $version.Replace('.', '')
                $state["${key}Client"] = Get-ExTlsProperty $protocol 'client', 'state'
                $state["${key}Server"] = Get-ExTlsProperty $protocol 'server', 'state'
            }
            $state.DotNet = Get-ExTlsProperty $s 'host', 'dotNet', 'version'
            $state.DotNetTls = & $failingIn 'dotnet'
            $state.WinHttp = & $failingIn 'winhttp'
            $state.RebootPending = Get-ExTlsProperty $s 'host', 'pendingReboot'
            $state.WorstSeverity = $worst
            $state.WorstSeverityRank = Get-ExTlsSeverityRank ([string]$worst)
            # Mail flow from the protocol logs: mail-flow findings belong to no policy, they are counted all the same.
            $failures = @($findings | Where-Object { $_.category -eq 'mail-flow' } | ForEach-Object {
                    $f = $_
                    @(Get-ExTlsProperty $f 'evidence' @() | ForEach-Object { Get-ExTlsProperty $_ 'failure' } | Where-Object { $null -ne $_ }) | Select-Object -First 1 |
                        ForEach-Object { [pscustomobject]@{ Finding = $f; Failure = $_ } }
                })
            $failingNow = @($failures | Where-Object { $_.Failure.failingNow })
            $checked = Get-ExTlsProperty $s 'checked'
            $notChecked = { param($what) $null -ne $checked -and -not [bool](Get-ExTlsProperty $checked $what $true) }
            # connectors named by mail-flow failures seen now and by failing connector findings
            $connectors = @(@($failingNow | ForEach-Object { $c = Get-ExTlsProperty $_.Finding 'connector'; if (-not $c) { $c = Get-ExTlsProperty $_.Failure 'connector' }; $c }) +
                @($findings | Where-Object { $_.category -eq 'connector' -and @($_.policies).Count -gt 0 } | ForEach-Object { Get-ExTlsProperty $_ 'connector' }) |
                    Where-Object { $_ } | Select-Object -Unique)
            $state.FailingConnectors = $(if ($connectors.Count) { $connectors -join '; ' } elseif ($s.status -ne 'ok') { $null } elseif ((& $notChecked 'connectors') -and (& $notChecked 'protocolLogs')) { 'not checked' } else { $null })
            # 'failing now', 'earlier', 'no failures' or 'not checked' (no protocol logs read): never 'ok' for nothing read
            $state.MailFlow = $(if ($s.status -ne 'ok') { $null } elseif ($failingNow.Count) { 'failing now' } elseif ($failures.Count) { 'earlier' } elseif (& $notChecked 'protocolLogs') { 'not checked' } else { 'no failures' })
            $state.FailingNowCount = $failingNow.Count
            $state.MailFlowFailureCount = $failures.Count
            $last = @($failures | ForEach-Object { ConvertTo-ExTlsDateTime (Get-ExTlsProperty $_.Failure 'lastSeen') } | Where-Object { $_ } | Sort-Object -Descending) | Select-Object -First 1
            $state.MailFlowLastSeen = $last
            # the same two columns summary.csv has
            $state.MailFlowErrorCount = [int](@($failures | ForEach-Object { [int](Get-ExTlsProperty $_.Failure 'count' 0) }) | Measure-Object -Sum).Sum
            $latest = @($failures | Where-Object { Get-ExTlsProperty $_.Failure 'lastSeen' } | Sort-Object { ConvertTo-ExTlsDateTime (Get-ExTlsProperty $_.Failure 'lastSeen') } -Descending) | Select-Object -First 1
            $state.LastMailFlowError = $null
            if ($latest) {
                # UTC as in the findings (PowerShell 7's ConvertFrom-Json made a DateTime of it)
                $at = (ConvertTo-ExTlsDateTime (Get-ExTlsProperty $latest.Failure 'lastSeen')).ToUniversalTime().ToString('yyyy-MM-ddTHH:mm:ss.fffZ', [Globalization.CultureInfo]::InvariantCulture)
                $state.LastMailFlowError = '{0} ({1}, {2})' -f $latest.Failure.error, $latest.Failure.connector, $at
            }
            $state.Connectors = $(if ($s.status -ne 'ok') { $null } elseif (& $notChecked 'connectors') { 'not checked' } else { $ids = @($findings | Where-Object { $_.category -eq 'connector' -and $_.severity -ne 'info' } | ForEach-Object { $_.id }); if ($ids.Count) { $ids -join ', ' } else { 'ok' } })
            $state.FindingCount = @($findings | Where-Object { $_.severity -ne 'info' }).Count
            $state.Category = Get-ExTlsProperty $s 'failure', 'category'
            $state.Message = Get-ExTlsProperty $s 'failure', 'message'
            $item = [pscustomobject]$state
            Add-ExTlsRawMember -InputObject $item -Member @{ Analysis = $s }
        }
    }
}
