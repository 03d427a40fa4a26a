function Invoke-ExTlsAnalysis {
    <#
    .SYNOPSIS
        Runs `extls analyze` on an inventory file or on piped records and returns the findings document
        (schemas/findings.schema.json), parsed. Errors are terminating errors of the calling command (-Cmdlet).
    .DESCRIPTION
        The inventory goes to extls on stdin; policy files, -ProbePath and -OutFile are given by full path, built-in
        policies by name, each as one --name=value argument. Records extls could not judge come back as non-terminating errors
        'ExTls.InvalidRecord' (terminating with -EnableException); the rest is judged.
    .EXAMPLE
        $doc = Invoke-ExTlsAnalysis -Cmdlet $PSCmdlet -InventoryPath .\inventory.json -Policy legacy-off
    #>
    [CmdletBinding()]
    param(
        [Parameter(Mandatory)] [System.Management.Automation.PSCmdlet] $Cmdlet,
        [string] $InventoryPath,
        [AllowEmptyCollection()] [object[]] $InputObject = @(),
        [string[]] $Policy,
        $ReferenceTime,
        # results of Test-ExTlsSmtpTls -OutFile / extls probe --format json (`--probes`)
        [string] $ProbePath,
        # also write the findings document here (`--out`), for New-ExTlsRunbook -FindingsPath
        [string] $OutFile,
        [switch] $EnableException
    )
    $pathOf = { param($p) $Cmdlet.SessionState.Path.GetUnresolvedProviderPathFromPSPath($p) }
    $outPath = $null
    if ($OutFile) { $outPath = Resolve-ExTlsOutFile -Path $OutFile -Cmdlet $Cmdlet }
    $probeFile = $null
    if ($ProbePath) {
        $probeFile = & $pathOf $ProbePath
        if (-not (Test-Path -LiteralPath $probeFile -PathType Leaf)) {
            $Cmdlet.ThrowTerminatingError((New-ExTlsErrorRecord -Message "The probe results file '$ProbePath' was not found." -ErrorId 'ExTls.ProbeFileNotFound' -Category ObjectNotFound -TargetObject $ProbePath -ExceptionType 'System.IO.FileNotFoundException'))
        }
    }
    try {
        $cli = Resolve-ExTlsCli
        $path = $null
        $inventoryText = $null
        if ($InventoryPath) {
            # the CLI reads the file itself, so its messages name it ("... is a findings document; give an inventory")
            $path = & $pathOf $InventoryPath
            if (-not (Test-Path -LiteralPath $path -PathType Leaf)) { throw (New-Object System.IO.FileNotFoundException "The inventory file '$InventoryPath' was not found.") }
        } else {
            $inventoryText = Get-ExTlsInventoryInput -InputObject $InputObject -Cli $cli
        }
    } catch {
        $Cmdlet.ThrowTerminatingError((New-ExTlsErrorRecord -Message $_.Exception.Message -ErrorId 'ExTls.InvalidInput' -Category InvalidArgument -TargetObject $InventoryPath))
    }

    $arguments = New-Object System.Collections.Generic.List[string]
    foreach ($a in 'analyze', '--format', 'json') { $arguments.Add($a) }
    foreach ($p in $Policy) {
        # A policy file is given by its full path; a built-in policy by its name. One argv element each.
        $candidate = & $pathOf $p
        if (Test-Path -LiteralPath $candidate -PathType Leaf) { $p = $candidate }
        $arguments.Add("--policy=$p")
    }
    if ($null -ne $ReferenceTime) {
        $arguments.Add('--reference-time=' + ([datetime]$ReferenceTime).ToUniversalTime().ToString('yyyy-MM-ddTHH:mm:ssZ', [Globalization.CultureInfo]::InvariantCulture))
    }
    if ($probeFile) { $arguments.Add("--probes=$probeFile") }
    if ($outPath) { $arguments.Add("--out=$outPath") }
    if ($path) { $arguments.Add('--'); $arguments.Add($path) } else { $arguments.Add('-') }

    $result = Invoke-ExTlsCliCommand -Argument $arguments.ToArray() -InputText $inventoryText -Cli $cli `
        -WorkingDirectory $Cmdlet.SessionState.Path.CurrentFileSystemLocation.ProviderPath
    $doc = $null
    if ($result.StdOut.Trim()) {
        try { $doc = $result.StdOut | ConvertFrom-Json } catch { $doc = $null }
    }
    if ($null -eq $doc -or $null -eq $doc.PSObject.Properties['servers']) {
        $message = Get-ExTlsCliMessage -Command 'analyze' -Result $result
        $Cmdlet.ThrowTerminatingError((New-ExTlsErrorRecord -Message $message -ErrorId 'ExTls.CliFailed' -Category InvalidArgument -TargetObject $InventoryPath))
    }
    foreach ($bad in @(Get-ExTlsProperty $doc 'inputErrors' @())) {
        $messages = @(Get-ExTlsProperty $bad 'messages' @()) -join '; '
        $er = New-ExTlsErrorRecord -Message ("{0}: not a valid inventory record, not judged: {1}" -f $bad.server, $messages) `
            -ErrorId 'ExTls.InvalidRecord' -Category InvalidData -TargetObject ([string]$bad.server)
        if ($EnableException) { $Cmdlet.ThrowTerminatingError($er) }
        $Cmdlet.WriteError($er)
    }
    $doc
}
