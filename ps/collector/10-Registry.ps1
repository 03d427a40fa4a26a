# Registry layer (ps/shared): every section reads through Registry.ps1's functions, so the same code works on the
# live registry (Windows) and on regedit export files (offline mode, any OS). The bundle carries the files inline.
. (Join-Path $PSScriptRoot '../shared/TextFile.ps1')   # extls:inline
. (Join-Path $PSScriptRoot '../shared/RegFile.ps1')   # extls:inline
. (Join-Path $PSScriptRoot '../shared/Registry.ps1')   # extls:inline
