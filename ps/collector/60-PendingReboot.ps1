# Pending-reboot markers (see the reference README). SCHANNEL edits need a restart too but leave no marker.
function Get-ExTlsPendingReboot {
    $reasons = New-Object System.Collections.Generic.List[object]

    $sm = 'HKLM\SYSTEM\CurrentControlSet\Control\Session Manager'
    $pfro = Get-ExTlsRegValue -Path $sm -Name 'PendingFileRenameOperations'
    if ($pfro.present) {
        $entries = @($pfro.value | Where-Object { $null -ne $_ -and [string]$_ -ne '' })
        if ($entries.Count -gt 0) {
            $reasons.Add([ordered]@{ source = 'PendingFileRenameOperations'; path = $sm; detail = "PendingFileRenameOperations has $($entries.Count) non-empty entries" })
        }
    }
    $cbs = 'HKLM\SOFTWARE\Microsoft\Windows\CurrentVersion\Component Based Servicing\RebootPending'
    if (Test-ExTlsRegKey -Path $cbs) {
        $reasons.Add([ordered]@{ source = 'ComponentBasedServicing'; path = $cbs; detail = 'RebootPending key exists' })
    }
    $wu = 'HKLM\SOFTWARE\Microsoft\Windows\CurrentVersion\WindowsUpdate\Auto Update\RebootRequired'
    if (Test-ExTlsRegKey -Path $wu) {
        $reasons.Add([ordered]@{ source = 'WindowsUpdate'; path = $wu; detail = 'RebootRequired key exists' })
    }
    $uev = 'HKLM\SOFTWARE\Microsoft\Updates\UpdateExeVolatile'
    $flags = Get-ExTlsRegDword -Section 'pendingReboot' -Path $uev -Name 'Flags'
    if ($null -ne $flags -and $flags -ne 0) {
        $reasons.Add([ordered]@{ source = 'UpdateExeVolatile'; path = $uev; detail = "Flags = $flags" })
    }
    return [ordered]@{ pending = ($reasons.Count -gt 0); reasons = $reasons.ToArray() }
}
