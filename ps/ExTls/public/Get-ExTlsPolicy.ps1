function Get-ExTlsPolicy {
    <#
    .SYNOPSIS
        Lists the TLS policies extls judges by: the built-in ones (tls12-ready, legacy-off) and policy files.

    .DESCRIPTION
        Returns one ExTls.Policy per policy: Id, Title, Phase, Description, Extends, FailAt, Rules (how many) and
        Path (the JSON file). Without parameters it lists the built-in policies that ship with the extls CLI; -Path
        reads your own policy files (schemas/policy.schema.json). The -Policy parameter of Get-ExTlsFinding,
        Get-ExTlsServerState, Compare-ExTlsInventory and New-ExTlsRunbook completes these names with Tab.

    .PARAMETER Name
        Only the built-in policies with these ids (wildcards allowed).

    .PARAMETER Path
        Policy JSON files to read instead of the built-in policies.

    .EXAMPLE
        PS C:\> Get-ExTlsPolicy

        The built-in policies: tls12-ready (phase 1) and legacy-off (phase 2).

    .EXAMPLE
        PS C:\> Get-ExTlsPolicy -Name legacy* | Format-List Id, Title, Description

        What phase 2 checks, in words.

    .EXAMPLE
        PS C:\> Get-ExTlsPolicy -Path .\policies\contoso.json | Select-Object Id, Extends, Rules

        Your own policy file: its id, which built-in policy it extends and how many rules it adds.

    .OUTPUTS
        ExTls.Policy

    .LINK
        Get-ExTlsFinding
    #>
    [CmdletBinding(DefaultParameterSetName = 'Name')]
    [OutputType('ExTls.Policy')]
    param(
        [Parameter(Position = 0, ParameterSetName = 'Name')]
        [ValidateNotNullOrEmpty()]
        [string[]] $Name = '*',

        [Parameter(Mandatory, ParameterSetName = 'Path', ValueFromPipelineByPropertyName)]
        [Alias('FullName')]
        [ValidateNotNullOrEmpty()]
        [string[]] $Path
    )

    process {
        $files = @()
        if ($PSCmdlet.ParameterSetName -eq 'Path') {
            $files = @($Path | ForEach-Object { $PSCmdlet.SessionState.Path.GetUnresolvedProviderPathFromPSPath($_) })
        } else {
            try {
                $files = @(Get-ExTlsBuiltinPolicyFile)
            } catch {
                $PSCmdlet.ThrowTerminatingError((New-ExTlsErrorRecord -Message $_.Exception.Message -ErrorId 'ExTls.CliNotFound' -Category ObjectNotFound -TargetObject 'extls' -ExceptionType 'System.IO.FileNotFoundException'))
            }
        }
        foreach ($file in $files) {
            try {
                $doc = [System.IO.File]::ReadAllText($file, [System.Text.Encoding]::UTF8) | ConvertFrom-Json
            } catch {
                $PSCmdlet.WriteError((New-ExTlsErrorRecord -Message "Cannot read the policy file '$file': $($_.Exception.Message)" -ErrorId 'ExTls.InvalidPolicy' -Category InvalidData -TargetObject $file))
                continue
            }
            $id = [string](Get-ExTlsProperty $doc 'id')
            if ($PSCmdlet.ParameterSetName -eq 'Name' -and -not @($Name | Where-Object { $id -like $_ }).Count) { continue }
            [pscustomobject]@{
                PSTypeName  = 'ExTls.Policy'
                Id          = $id
                Title       = Get-ExTlsProperty $doc 'title'
                Phase       = Get-ExTlsProperty $doc 'phase'
                Description = Get-ExTlsProperty $doc 'description'
                Extends     = Get-ExTlsProperty $doc 'extends'
                FailAt      = Get-ExTlsProperty $doc 'failAt'
                Rules       = @(Get-ExTlsProperty $doc 'rules' @()).Count
                Path        = $file
            }
        }
    }
}
