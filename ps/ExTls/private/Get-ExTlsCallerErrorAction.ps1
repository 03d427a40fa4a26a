function Get-ExTlsCallerErrorAction {
    <#
    .SYNOPSIS
        The caller's $ErrorActionPreference (a script's 'Stop'), which a module function does not see by itself;
        the given default when the caller has none.
    .EXAMPLE
        if (-not $PSBoundParameters.ContainsKey('ErrorAction')) { $ErrorActionPreference = Get-ExTlsCallerErrorAction -Cmdlet $PSCmdlet -Default $ErrorActionPreference }
    #>
    [CmdletBinding()]
    param(
        [Parameter(Mandatory)] [System.Management.Automation.PSCmdlet] $Cmdlet,
        $Default
    )
    $callerPreference = $Cmdlet.SessionState.PSVariable.GetValue('ErrorActionPreference')
    if ($null -ne $callerPreference) { return $callerPreference }
    return $Default
}
