# Loads the build of DicomTools made for the .NET that runs this PowerShell: PowerShell 7.6 and later run .NET 10,
# where the net10.0 build's precompiled (ReadyToRun) code is used and start-up costs little JIT compilation;
# PowerShell 7.4 and 7.5 run .NET 8 and 9 and load the net8.0 build. DICOMTOOLS_FRAMEWORK forces one (tests).
# Kept to the language's cheapest parts, because in a new shell every construct costs JIT compilation of
# PowerShell's own code (docs/performance.md): no Join-Path or Test-Path (their first use loads another module),
# no Export-ModuleMember (the manifest's CmdletsToExport is the one list of what the module exports).
$framework = if ($env:DICOMTOOLS_FRAMEWORK) { $env:DICOMTOOLS_FRAMEWORK } elseif ([Environment]::Version.Major -ge 10) { 'net10.0' } else { 'net8.0' }
$assembly = "$PSScriptRoot/$framework/DicomTools.dll"
try {
    Import-Module -Name $assembly -ErrorAction Stop
}
catch {
    if (-not [IO.File]::Exists($assembly)) {
        throw "DicomTools: '$assembly' is missing; the module folder is incomplete (reinstall it, or run build.ps1 Build)."
    }
    throw
}
