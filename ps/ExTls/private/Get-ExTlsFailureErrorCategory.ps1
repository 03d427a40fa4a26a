function Get-ExTlsFailureErrorCategory {
    <#
    .SYNOPSIS
        The PowerShell ErrorCategory for an extls failure category: unreachable -> ConnectionError,
        auth -> AuthenticationError, timeout -> OperationTimeout, interrupted -> OperationStopped,
        anything else -> InvalidResult.
    .EXAMPLE
        Get-ExTlsFailureErrorCategory -Category 'auth'
    #>
    [CmdletBinding()]
    [OutputType([System.Management.Automation.ErrorCategory])]
    param([AllowNull()] [AllowEmptyString()] [string] $Category)
    switch ($Category) {
        'unreachable' { return [System.Management.Automation.ErrorCategory]::ConnectionError }
        'refused' { return [System.Management.Automation.ErrorCategory]::ConnectionError }
        'dns' { return [System.Management.Automation.ErrorCategory]::ConnectionError }
        'name-not-resolved' { return [System.Management.Automation.ErrorCategory]::ObjectNotFound }
        'auth' { return [System.Management.Automation.ErrorCategory]::AuthenticationError }
        'timeout' { return [System.Management.Automation.ErrorCategory]::OperationTimeout }
        'interrupted' { return [System.Management.Automation.ErrorCategory]::OperationStopped }
        default { return [System.Management.Automation.ErrorCategory]::InvalidResult }
    }
}
