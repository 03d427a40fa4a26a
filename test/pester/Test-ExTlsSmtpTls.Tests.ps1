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
