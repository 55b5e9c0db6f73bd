# Loads the build of DicomTools made for the .NET that runs this PowerShell: PowerShell 7.6 and later run .NET 10,
# where the net10.0 build's precompiled (ReadyToRun) code is used and start-up costs little JIT compilation;
# PowerShell 7.4 and 7.5 run .NET 8 and 9 and load the net8.0 build. DICOMTOOLS_FRAMEWORK forces one (tests).
$framework = if ($env:DICOMTOOLS_FRAMEWORK) { $env:DICOMTOOLS_FRAMEWORK }
             elseif ([Environment]::Version.Major -ge 10) { 'net10.0' }
             else { 'net8.0' }
$assembly = Join-Path $PSScriptRoot "$framework/DicomTools.dll"
if (-not (Test-Path -LiteralPath $assembly)) {
    throw "DicomTools: '$assembly' is missing; the module folder is incomplete (reinstall it, or run build.ps1 Build)."
}
Import-Module -Name $assembly
# The manifest's CmdletsToExport is the one list of what the module exports.
Export-ModuleMember -Cmdlet *
