function Get-ExTlsSeverityRank {
    <#
    .SYNOPSIS
        The rank of a severity, so findings sort and compare in the right order: critical 4, high 3, medium 2, low 1,
        info 0; -1 for none.
    .EXAMPLE
        Get-ExTlsSeverityRank -Severity 'high'
    #>
    [CmdletBinding()]
    [OutputType([int])]
    param([AllowNull()] [AllowEmptyString()] [string] $Severity)
    switch ($Severity) {
        'critical' { return 4 }
        'high' { return 3 }
        'medium' { return 2 }
        'low' { return 1 }
        'info' { return 0 }
        default { return -1 }
    }
}
