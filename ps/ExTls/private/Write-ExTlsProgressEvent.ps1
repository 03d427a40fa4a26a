function Write-ExTlsProgressEvent {
    <#
    .SYNOPSIS
        Shows one stderr line of a CLI run started with `--progress json`: Write-Progress (activity, total, percent,
        current item) for start/item/end events, Write-Verbose per finished item and for info/debug, Write-Warning
        (or Write-Verbose) for warn. A line that is not an event is kept in the state's OtherLines, unread.
    .EXAMPLE
        Write-ExTlsProgressEvent -State $progress -Line '{"event":"start","command":"inventory","unit":"servers","total":9}'
    #>
    [CmdletBinding()]
    param(
        [Parameter(Mandatory)] $State,
        [Parameter(Mandatory)] [AllowEmptyString()] [string] $Line
    )
    if (-not $Line.Trim()) { return }
    $e = $null
    if ($Line.TrimStart().StartsWith('{')) {
        try { $e = ConvertFrom-Json -InputObject $Line } catch { $e = $null }
    }
    $kind = Get-ExTlsProperty $e 'event'
    if ($null -eq $kind) {
        $State.OtherLines.Add($Line)
        return
    }
    $activity = $State.Activity
    switch ([string]$kind) {
        'start' {
            $State.Started = $true
            $State.Unit = [string](Get-ExTlsProperty $e 'unit' 'items')
            $State.Total = Get-ExTlsProperty $e 'total'
            if ($State.Total -gt 0) {
                Write-Progress -Activity $activity -Status ("0 of {0} {1}" -f $State.Total, $State.Unit) -PercentComplete 0
            } else {
                Write-Progress -Activity $activity -Status "0 $($State.Unit)"
            }
        }
        'item' {
            $State.Done = [int](Get-ExTlsProperty $e 'done' ($State.Done + 1))
            $State.Failed = [int](Get-ExTlsProperty $e 'failed' $State.Failed)
            $name = [string](Get-ExTlsProperty $e 'name')
            $ok = [bool](Get-ExTlsProperty $e 'ok' $false)
            $outcome = if ($ok) { 'ok' } else { 'failed' }
            $current = "$name $outcome"
            $failedText = if ($State.Failed -gt 0) { ", $($State.Failed) failed" } else { '' }
            if ($State.Total -gt 0) {
                $percent = [Math]::Min(100, [int](100 * $State.Done / $State.Total))
                Write-Progress -Activity $activity -Status ("{0} of {1} {2}{3}" -f $State.Done, $State.Total, $State.Unit, $failedText) -CurrentOperation $current -PercentComplete $percent
            } else {
                Write-Progress -Activity $activity -Status ("{0} {1}{2}" -f $State.Done, $State.Unit, $failedText) -CurrentOperation $current
            }
            $detail = Get-ExTlsProperty $e 'detail'
            $duration = Get-ExTlsProperty $e 'durationMs'
            $text = "${name}: $outcome"
            if ($detail) { $text += ": $detail" }
            if ($null -ne $duration) { $text += (' ({0} s)' -f ([double]$duration / 1000).ToString('0.0', [Globalization.CultureInfo]::InvariantCulture)) }
            Write-Verbose $text
        }
        'end' {
            # the caller ends the bar (Write-Progress -Completed) once its own work is done; the summary follows as info
            $State.Ended = $true
        }
        'warn' {
            $message = [string](Get-ExTlsProperty $e 'message')
            if ($State.WarningEvents) { Write-Warning $message } else { Write-Verbose "extls: $message" }
        }
        default {
            # info, debug, and kinds a newer CLI may add
            Write-Verbose ("extls: {0}" -f [string](Get-ExTlsProperty $e 'message'))
        }
    }
}
