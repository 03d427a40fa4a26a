# Services, Status and SelfSigned of an exported Exchange certificate.
# Export-Clixml of Get-ExchangeCertificate (through Exchange's remote PowerShell) keeps only the certificate's RawData
# and Exchange's own SerializationData: the .NET binary serialization (MS-NRBF, "[MS-NRBF]: .NET Remoting: Binary
# Format Data Structure", Microsoft Open Specifications) of the ExchangeCertificate's fields. Decoded here, in the
# collector, so that a record from an export has the same shape as one from the live shell (which has the properties),
# and no binary blob travels into the inventory. Only the root object's member values are read; references are not
# followed, and anything unexpected throws (the caller then keeps the facts unknown, with a warning).
#
# Enum values: AllowedServices is a flags enum; SMTP = 16, IIS = 8 and IMAP/POP = 1/2 are borne out by
# HealthChecker's captures (CSS-Exchange @ f88378b1: the Auth certificate, which Exchange enables for SMTP, holds 16;
# the server's self-signed certificate, IMAP/POP/IIS/SMTP, holds 27; WMSvc holds 0). UM = 4, Federation = 32 and
# UMCallRouter = 64 occur in no capture: the names follow Exchange's declaration order, unverified here.
# CertificateStatus: 1 = Valid in every capture; the other numbers follow the declaration order HealthChecker's
# analyzer lists (Unknown, Valid, Revoked, DateInvalid, Untrusted, Invalid, RevocationCheckFailure, PendingRequest),
# unverified by a capture. A number outside the list is reported as "Unknown(<n>)".

$script:ExTlsCertificateStatusNames = @('Unknown', 'Valid', 'Revoked', 'DateInvalid', 'Untrusted', 'Invalid', 'RevocationCheckFailure', 'PendingRequest')
$script:ExTlsAllowedServiceBits = @(@(1, 'IMAP'), @(2, 'POP'), @(4, 'UM'), @(8, 'IIS'), @(16, 'SMTP'), @(32, 'Federation'), @(64, 'UMCallRouter'))

function Read-ExTlsNrbfPrimitive {
    param([System.IO.BinaryReader]$Reader, [int]$Type)
    switch ($Type) {
        1 { return $Reader.ReadBoolean() }
        2 { return $Reader.ReadByte() }
        3 { return $Reader.ReadChar() }
        5 { return $Reader.ReadString() }
        6 { return $Reader.ReadDouble() }
        7 { return $Reader.ReadInt16() }
        8 { return $Reader.ReadInt32() }
        9 { return $Reader.ReadInt64() }
        10 { return $Reader.ReadSByte() }
        11 { return $Reader.ReadSingle() }
        12 { return $Reader.ReadInt64() }
        13 { return $Reader.ReadInt64() }
        14 { return $Reader.ReadUInt16() }
        15 { return $Reader.ReadUInt32() }
        16 { return $Reader.ReadUInt64() }
        18 { return $Reader.ReadString() }
    }
    throw "unsupported primitive type $Type"
}

function Read-ExTlsNrbfCount {
    param([System.IO.BinaryReader]$Reader, [int]$Max)
    $n = $Reader.ReadInt32()
    if ($n -lt 0 -or $n -gt $Max) { throw "count $n out of range" }
    return $n
}

# A class record's member values (record types 1, 4, 5); $State.Metadata keeps each class layout by object id.
function Read-ExTlsNrbfClass {
    param([System.IO.BinaryReader]$Reader, [int]$RecordType, $State, [int]$Depth)
    $objectId = $Reader.ReadInt32()
    if ($RecordType -eq 1) {
        $layout = $State.Metadata[$Reader.ReadInt32()]
        if ($null -eq $layout) { throw 'class record refers to an unknown layout' }
    } else {
        $name = $Reader.ReadString()
        $count = Read-ExTlsNrbfCount $Reader 256
        $names = New-Object 'string[]' $count
        for ($i = 0; $i -lt $count; $i++) { $names[$i] = $Reader.ReadString() }
        $kinds = $Reader.ReadBytes($count)
        if ($kinds.Length -ne $count) { throw 'truncated member types' }
        $extra = New-Object 'object[]' $count
        for ($i = 0; $i -lt $count; $i++) {
            switch ([int]$kinds[$i]) {
                0 { $extra[$i] = [int]$Reader.ReadByte() }
                7 { $extra[$i] = [int]$Reader.ReadByte() }
                3 { $null = $Reader.ReadString() }
                4 { $null = $Reader.ReadString(); $null = $Reader.ReadInt32() }
                default { if ([int]$kinds[$i] -gt 7) { throw "unknown member type $($kinds[$i])" } }
            }
        }
        if ($RecordType -eq 5) { $null = $Reader.ReadInt32() }
        $layout = @{ Name = $name; Names = $names; Kinds = $kinds; Extra = $extra }
        $State.Metadata[$objectId] = $layout
    }
    $values = @{}
    for ($i = 0; $i -lt $layout.Names.Length; $i++) {
        if ($layout.Kinds[$i] -eq 0) { $values[$layout.Names[$i]] = Read-ExTlsNrbfPrimitive $Reader $layout.Extra[$i] }
        else { $values[$layout.Names[$i]] = Read-ExTlsNrbfValue $Reader $State ($Depth + 1) }
    }
    return @{ Class = $layout.Name; Values = $values }
}

# One record where a member value stands; a reference is returned as its id, never followed.
function Read-ExTlsNrbfValue {
    param([System.IO.BinaryReader]$Reader, $State, [int]$Depth)
    if ($Depth -gt 16) { throw 'nested too deep' }
    $type = [int]$Reader.ReadByte()
    switch ($type) {
        { $_ -in 1, 4, 5 } { return Read-ExTlsNrbfClass $Reader $type $State $Depth }
        6 { $null = $Reader.ReadInt32(); return $Reader.ReadString() }
        8 { return Read-ExTlsNrbfPrimitive $Reader ([int]$Reader.ReadByte()) }
        9 { return @{ Reference = $Reader.ReadInt32() } }
        10 { return $null }
        12 { $null = $Reader.ReadInt32(); $null = $Reader.ReadString(); return Read-ExTlsNrbfValue $Reader $State $Depth }
    }
    throw "unsupported record type $type"
}

# The root object's member values of a SerializationData byte array (hashtable name -> value).
function Read-ExTlsNrbfRoot {
    param([byte[]]$Data)
    $offset = 0
    $length = $Data.Length
    # Exchange's serialized data signing (November 2023 SU onwards) wraps the stream: "#sig#", its length (Int32),
    # the stream, then the signature.
    if ($length -ge 9 -and [System.Text.Encoding]::ASCII.GetString($Data, 0, 5) -eq '#sig#') {
        $length = [BitConverter]::ToInt32($Data, 5)
        $offset = 9
        if ($length -lt 0 -or $length -gt $Data.Length - $offset) { throw 'signed data with a bad length' }
    }
    $stream = New-Object System.IO.MemoryStream -ArgumentList @($Data, $offset, $length, $false)
    $reader = New-Object System.IO.BinaryReader -ArgumentList @($stream, [System.Text.Encoding]::UTF8)
    try {
        if ($reader.ReadByte() -ne 0) { throw 'no serialization header' }
        $null = $reader.ReadBytes(16)
        $state = @{ Metadata = @{} }
        $root = Read-ExTlsNrbfValue $reader $state 0
        if ($root -isnot [hashtable] -or -not $root.ContainsKey('Class')) { throw 'the first record is not an object' }
        return $root
    } finally {
        $reader.Close()
    }
}

function Get-ExTlsEnumNumber {
    param($Value)
    if ($Value -is [hashtable] -and $Value.ContainsKey('Values') -and $Value.Values.ContainsKey('value__')) { return [long]$Value.Values['value__'] }
    return $null
}

# { services, status, selfSigned } from an exported certificate's SerializationData; $null without one.
function Get-ExTlsExchangeCertificateData {
    param($Object)
    $raw = Get-ExTlsProp $Object 'SerializationData'
    if ($null -eq $raw) { return $null }
    $root = Read-ExTlsNrbfRoot ([byte[]]@($raw))
    if ($root.Class -notmatch '\.ExchangeCertificate$') { throw "SerializationData holds $($root.Class), not an ExchangeCertificate" }
    $v = $root.Values
    $facts = @{ services = $null; status = $null; selfSigned = $null }
    $servicesNumber = Get-ExTlsEnumNumber $v['Services']
    if ($null -ne $servicesNumber) {
        $names = New-Object System.Collections.Generic.List[string]
        $left = $servicesNumber
        foreach ($pair in $script:ExTlsAllowedServiceBits) {
            $bit = [long]$pair[0]
            if (($servicesNumber -band $bit) -ne 0) { $names.Add($pair[1]); $left = $left -band (-bnot $bit) }
        }
        if ($left -ne 0) { $names.Add("Unknown($left)") }
        $facts.services = [string[]]$names.ToArray()
    }
    $statusNumber = Get-ExTlsEnumNumber $v['Status']
    if ($null -ne $statusNumber) {
        if ($statusNumber -ge 0 -and $statusNumber -lt $script:ExTlsCertificateStatusNames.Count) { $facts.status = $script:ExTlsCertificateStatusNames[$statusNumber] }
        else { $facts.status = "Unknown($statusNumber)" }
    }
    if ($v['SelfSigned'] -is [bool]) { $facts.selfSigned = $v['SelfSigned'] }
    return $facts
}
