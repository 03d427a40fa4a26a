function New-ExTlsErrorRecord {
    <#
    .SYNOPSIS
        An ErrorRecord with an ExTls error id, a category and a target (the server, endpoint or file it is about).
    .EXAMPLE
        New-ExTlsErrorRecord -Message 'cannot connect' -ErrorId 'ExTls.ServerFailed,unreachable' -Category ConnectionError -TargetObject 'EX01'
    #>
    [CmdletBinding()]
    [OutputType([System.Management.Automation.ErrorRecord])]
    param(
        [Parameter(Mandatory)] [string] $Message,
        [Parameter(Mandatory)] [string] $ErrorId,
        [Parameter(Mandatory)] [System.Management.Automation.ErrorCategory] $Category,
        [AllowNull()] $TargetObject,
        [string] $ExceptionType = 'System.Exception'
    )
    $exception = New-Object -TypeName $ExceptionType -ArgumentList $Message
    New-Object System.Management.Automation.ErrorRecord ($exception, $ErrorId, $Category, $TargetObject)
}
