# Test-ExTlsSmtpTls with the real `extls probe` against a loopback SMTP server (helpers/smtp-server.mjs: no STARTTLS,
# 530 for mail without TLS) and a port that refuses.
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot '../../ps/ExTls/ExTls.psd1') -Force
    Import-Module (Join-Path $PSScriptRoot 'helpers/TestHelpers.psm1') -Force
    $smtp = Start-TestHelperServer -Name 'smtp-server'
    $refused = Start-TestHelperServer -Name 'silent-listener'
    $refusedPort = $refused.Port
    Stop-TestHelperServer $refused   # its port is now closed: connections are refused
}

AfterAll {
    Stop-TestHelperServer $smtp
    Remove-Module ExTls, TestHelpers -ErrorAction SilentlyContinue
}

Describe 'Test-ExTlsSmtpTls' {
    It 'reports an SMTP server that does not offer STARTTLS, typed, from piped Exchange- and AD-shaped objects' {
        $exchange = [pscustomobject]@{ Name = 'EX01'; Fqdn = "127.0.0.1:$($smtp.Port)"; ServerRole = 'Mailbox' }
        $results = @($exchange, 'localhost' | Test-ExTlsSmtpTls -Port $smtp.Port -TimeoutSeconds 5)
        $results.Count | Should -Be 2
        $results[0].PSObject.TypeNames[0] | Should -Be 'ExTls.SmtpTlsResult'
        $results.Endpoint | Should -Be @("127.0.0.1:$($smtp.Port)", "localhost:$($smtp.Port)")
        foreach ($r in $results) {
            $r.Status | Should -Be 'Ok'
            $r.StartTls | Should -BeFalse
            $r.Tls12 | Should -Be 'not-tested'
            $r.AcceptedVersions | Should -BeNullOrEmpty
            $r.Raw.Result.banner | Should -Not -BeNullOrEmpty
            $r.ProbedAt | Should -BeOfType [datetime]
        }
    }

    It 'writes a failed endpoint as its result plus a non-terminating error tagged with the endpoint' {
        $endpoint = "127.0.0.1:$refusedPort"
        $results = @(Test-ExTlsSmtpTls -ComputerName $endpoint -TimeoutSeconds 5 -ErrorVariable problems -ErrorAction SilentlyContinue)
        $results.Count | Should -Be 1
        $results[0].Status | Should -Be 'Failed'
        $results[0].Category | Should -Be 'refused'
        @($problems).Count | Should -Be 1
        $problems[0].TargetObject | Should -Be $endpoint
        $problems[0].FullyQualifiedErrorId | Should -Be 'ExTls.EndpointFailed,refused,Test-ExTlsSmtpTls'
        $problems[0].CategoryInfo.Category | Should -Be ([System.Management.Automation.ErrorCategory]::ConnectionError)
    }

    It 'throws with -EnableException' {
        { Test-ExTlsSmtpTls -ComputerName "127.0.0.1:$refusedPort" -TimeoutSeconds 5 -EnableException } | Should -Throw -ErrorId 'ExTls.EndpointFailed,refused,Test-ExTlsSmtpTls'
    }

    It 'never lets an endpoint become a CLI option' {
        $err = $null
        try {
            $results = @(Test-ExTlsSmtpTls -ComputerName '--help' -TimeoutSeconds 2 -ErrorAction SilentlyContinue)
        } catch { $err = $_ }
        # "--help" is an (impossible) host name after "--": a failed endpoint or a usage error, never help text
        if ($err) { $err.FullyQualifiedErrorId | Should -BeLike 'ExTls.CliFailed*' }
        else { $results[0].Endpoint | Should -Be '--help:25'; $results[0].Status | Should -Be 'Failed' }
    }

    It 'turns a bad endpoint (exit code 1) into a terminating error with the CLI message' {
        { Test-ExTlsSmtpTls -ComputerName 'mail.contoso.com:99999' } | Should -Throw -ErrorId 'ExTls.CliFailed,Test-ExTlsSmtpTls' -ExpectedMessage '*port must be a number*'
    }
}

Describe 'Test-ExTlsSmtpTls: streams, unknowns and files' {
    BeforeAll {
        $silent = Start-TestHelperServer -Name 'silent-listener'
    }
    AfterAll {
        Stop-TestHelperServer $silent
    }

    It 'writes each endpoint as it finishes: the quick one long before the one that times out' {
        $clock = [System.Diagnostics.Stopwatch]::StartNew()
        $arrivals = @("127.0.0.1:$($silent.Port)", "127.0.0.1:$($smtp.Port)" | Test-ExTlsSmtpTls -TimeoutSeconds 6 -ErrorAction SilentlyContinue |
                ForEach-Object { [pscustomobject]@{ Endpoint = $_.Endpoint; Status = $_.Status; At = $clock.Elapsed.TotalSeconds } })
        $arrivals.Endpoint | Should -Be @("127.0.0.1:$($smtp.Port)", "127.0.0.1:$($silent.Port)")
        $arrivals[1].Status | Should -Be 'Failed'
        $arrivals[0].At | Should -BeLessThan ($arrivals[1].At - 3)
    }

    It 'gives an unreachable endpoint $null TLS columns: nothing is known about them' {
        $r = Test-ExTlsSmtpTls -ComputerName "127.0.0.1:$refusedPort" -TimeoutSeconds 5 -ErrorAction SilentlyContinue
        foreach ($p in 'StartTls', 'Tls10', 'Tls11', 'Tls12', 'Tls13', 'LegacyAccepted', 'Tls12Accepted') { $r.$p | Should -BeNullOrEmpty -Because $p }
        $r.PSObject.Properties['Tls12'] | Should -Not -BeNullOrEmpty
    }

    It 'refuses an object that names no endpoint, by name, and probes nothing' {
        { [pscustomobject]@{ Queue = 'Submission' } | Test-ExTlsSmtpTls } | Should -Throw -ErrorId 'ExTls.UnsupportedInput,Test-ExTlsSmtpTls' -ExpectedMessage '*Fqdn, DNSHostName*'
    }

    It '-FleetFile probes the fleet labelled by name; -OutFile keeps the results for runbooks (also with Select-Object -First)' {
        $fleet = Join-Path $TestDrive 'fleet.yaml'
        Set-Content -LiteralPath $fleet -Value "servers:`n  - name: EX01`n    address: 127.0.0.1`n  - name: EX02`n    address: 127.0.0.1" -Encoding UTF8
        $out = Join-Path $TestDrive 'probes.json'
        $results = @(Test-ExTlsSmtpTls -FleetFile $fleet -Port $smtp.Port -TimeoutSeconds 5 -OutFile $out)
        @($results.Server | Sort-Object) | Should -Be @('EX01', 'EX02')
        $saved = @(Get-Content -LiteralPath $out -Raw | ConvertFrom-Json)
        $saved.Count | Should -Be 2
        $saved[0].schemaVersion | Should -Be 1

        $first = Join-Path $TestDrive 'first.json'
        $one = Test-ExTlsSmtpTls -FleetFile $fleet -Port $smtp.Port -TimeoutSeconds 5 -OutFile $first | Select-Object -First 1
        $one | Should -Not -BeNullOrEmpty
        @(Get-Content -LiteralPath $first -Raw | ConvertFrom-Json).Count | Should -BeGreaterOrEqual 1
    }

    It 'fails before probing when the -OutFile folder does not exist' {
        { Test-ExTlsSmtpTls -ComputerName "127.0.0.1:$($smtp.Port)" -OutFile (Join-Path $TestDrive 'nope/probes.json') } | Should -Throw -ErrorId 'ExTls.OutFileFolderNotFound,Test-ExTlsSmtpTls'
    }

    It 'exports flat CSV and converts to JSON at the default depth' {
        $r = @("127.0.0.1:$($smtp.Port)" | Test-ExTlsSmtpTls -TimeoutSeconds 5)
        ($r | ConvertTo-Csv -NoTypeInformation) -join "`n" | Should -Not -Match 'System\.Object\[\]|@\{'
        $null = $r | ConvertTo-Json -WarningVariable truncated -WarningAction SilentlyContinue
        @($truncated).Count | Should -Be 0
    }
}

Describe 'Test-ExTlsSmtpTls -AsExchangeOnline' {
    BeforeAll {
        # helpers/starttls-server.mjs: STARTTLS, TLS 1.2 only, the suites in EXTLS_TEST_CIPHERS, self-signed mx.extls.test
        $old = $env:EXTLS_TEST_CIPHERS
        try {
            $env:EXTLS_TEST_CIPHERS = 'ECDHE-RSA-CHACHA20-POLY1305'
            $noSuite = Start-TestHelperServer -Name 'starttls-server'
            $env:EXTLS_TEST_CIPHERS = 'ECDHE-RSA-CHACHA20-POLY1305:ECDHE-RSA-AES128-GCM-SHA256'
            $withSuite = Start-TestHelperServer -Name 'starttls-server'
        } finally {
            $env:EXTLS_TEST_CIPHERS = $old
        }
    }

    AfterAll {
        Stop-TestHelperServer $noSuite
        Stop-TestHelperServer $withSuite
    }

    It 'says yes with the suite Exchange Online got, the SHA-1 thumbprint, and the certificate problems with reasons' {
        $r = Test-ExTlsSmtpTls -ComputerName "127.0.0.1:$($withSuite.Port)" -AsExchangeOnline -ExpectedName 'mx.extls.test' -TimeoutSeconds 5
        $r.ExchangeOnline | Should -Be 'yes'
        $r.ExchangeOnlineSuite | Should -Be 'TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256'
        $r.ExchangeOnlineReason | Should -BeNullOrEmpty
        $r.CertificateThumbprint | Should -MatchExactly '^[0-9A-F]{40}$'
        @($r.CertificateProblems) | Should -Be @('chain: self-signed certificate (DEPTH_ZERO_SELF_SIGNED_CERT)')
    }

    It 'says no, with the suites the server takes instead, when none of its suites is one Exchange Online offers' {
        $r = Test-ExTlsSmtpTls -ComputerName "127.0.0.1:$($noSuite.Port)" -AsExchangeOnline -ExpectedName 'mail.contoso.com' -TimeoutSeconds 5
        $r.Tls12 | Should -Be 'accepted'
        $r.ExchangeOnline | Should -Be 'no'
        @($r.ServerSuites) | Should -Be @('TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256')
        $r.ExchangeOnlineReason | Should -BeLike 'no cipher suite in common*'
        # lists are joined ('; '): Export-Csv and ConvertTo-Json stay flat
        $r.CertificateProblems | Should -BeLike '*name: the certificate names DNS:mx.extls.test, not mail.contoso.com (given)*'
    }

    It 'says no for a server without STARTTLS; without the switch the columns are not there' {
        $r = Test-ExTlsSmtpTls -ComputerName "127.0.0.1:$($smtp.Port)" -AsExchangeOnline -TimeoutSeconds 5
        $r.ExchangeOnline | Should -Be 'no'
        $r.ExchangeOnlineReason | Should -BeLike 'STARTTLS not offered*'
        $plain = Test-ExTlsSmtpTls -ComputerName "127.0.0.1:$($smtp.Port)" -TimeoutSeconds 5
        $plain.PSObject.Properties['ExchangeOnline'] | Should -BeNullOrEmpty
    }

    It 'shows ExchangeOnline and its reason in the default view; the README filter finds the server Exchange Online cannot deliver to' {
        $results = @(Test-ExTlsSmtpTls -ComputerName "127.0.0.1:$($withSuite.Port)", "127.0.0.1:$($noSuite.Port)" -AsExchangeOnline -ExpectedName 'mx.extls.test' -TimeoutSeconds 5)
        $table = (Get-FormatData -TypeName $results[0].PSObject.TypeNames[0]).FormatViewDefinition | Where-Object { $_.Control -is [System.Management.Automation.TableControl] }
        @($table.Control.Headers.Label) | Should -Contain 'ExchangeOnline'
        @($table.Control.Headers.Label) | Should -Contain 'ExchangeOnlineReason'
        $text = $results | Out-String -Width 120
        $text | Should -Match 'ExchangeOnline'
        $text | Should -Match 'no cipher suite in common'
        ($text -split '\r?\n' | Measure-Object -Property Length -Maximum).Maximum | Should -BeLessOrEqual 120
        # Tls12 is accepted by both: only the ExchangeOnline filter tells them apart
        @($results | Where-Object Tls12 -ne 'accepted').Count | Should -Be 0
        @($results | Where-Object ExchangeOnline -ne 'yes').Endpoint | Should -Be @("127.0.0.1:$($noSuite.Port)")
    }

    It 'says unknown, with why, for an endpoint that cannot be probed' {
        $r = Test-ExTlsSmtpTls -ComputerName '127.0.0.1:1' -AsExchangeOnline -TimeoutSeconds 5 -ErrorAction SilentlyContinue
        $r.ExchangeOnline | Should -Be 'unknown'
        $r.ExchangeOnlineReason | Should -Not -BeNullOrEmpty
    }

    It 'refuses -ExpectedName without -AsExchangeOnline, and a name that is not a host name' {
        { Test-ExTlsSmtpTls -ComputerName 'mail.contoso.com' -ExpectedName 'mail.contoso.com' } | Should -Throw -ErrorId 'ExTls.ExpectedNameWithoutAsExchangeOnline,Test-ExTlsSmtpTls'
        { Test-ExTlsSmtpTls -ComputerName 'mail.contoso.com' -AsExchangeOnline -ExpectedName "a'b; calc" } | Should -Throw -ErrorId 'ParameterArgumentValidationError,Test-ExTlsSmtpTls'
    }
}
