<#
.SYNOPSIS
    Packs a built DicomTools module folder as DicomTools.<version>.nupkg, the way PowerShell modules are published.
.DESCRIPTION
    Stages exactly what the module loads (manifest, format file, help, DicomTools.dll and the assemblies it
    references, the licence), completes the staged manifest (ReleaseNotes from the top section of CHANGELOG.md,
    FileList, ProjectUri when one is known), then runs Publish-PSResource against a folder repository registered
    for the duration under a unique name and unregistered afterwards. Other repositories and PSModulePath are not
    touched. Used by `build.ps1 Package` and by tests/Pester/Package.Tests.ps1.
.OUTPUTS
    System.IO.FileInfo of the .nupkg.
#>
[CmdletBinding()]
param(
    # The built module (out/DicomTools after build.ps1 Build).
    [Parameter(Mandatory)][string]$ModuleFolder,
    # Where the .nupkg is written (created when missing).
    [Parameter(Mandatory)][string]$OutputDirectory,
    # Where the repository lives, for the manifest's ProjectUri. Default: the git remote "origin", when it is https.
    [string]$ProjectUri
)
$ErrorActionPreference = 'Stop'
Set-StrictMode -Version Latest
$root = (Resolve-Path (Join-Path $PSScriptRoot '../..')).Path

function Get-ReleaseNotes([string]$Version) {
    # The top "## [x.y.z] - date" section of CHANGELOG.md; it must describe the version being packed.
    $text = (Get-Content -LiteralPath (Join-Path $root 'CHANGELOG.md') -Raw) -replace "`r", ''
    $top = [regex]::Match($text, '(?ms)^## \[?(?<version>[0-9][^\]\s]*)\]?[^\n]*\n(?<body>.*?)(?=^## |\z)')
    if (-not $top.Success) { throw 'CHANGELOG.md has no "## [version] - date" section for the release notes' }
    if ($top.Groups['version'].Value -ne $Version) {
        throw "CHANGELOG.md's top section is $($top.Groups['version'].Value) but DicomTools.psd1 has ModuleVersion ${Version}: add a section for $Version first"
    }
    $top.Groups['body'].Value.Trim()
}

function Get-DefaultProjectUri {
    $remote = & git -C $root remote get-url origin 2>$null
    if ($LASTEXITCODE -ne 0 -or -not $remote) { return $null }
    $remote = $remote.Trim() -replace '^git@([^:]+):', 'https://$1/' -replace '\.git$', ''
    if ($remote -match '^https://') { $remote } else { $null }
}

function ConvertTo-Psd1String([string]$Value) { "'" + ($Value -replace "'", "''") + "'" }

$ModuleFolder = (Resolve-Path $ModuleFolder).Path
$manifestPath = Join-Path $ModuleFolder 'DicomTools.psd1'
$manifest = Import-PowerShellDataFile -LiteralPath $manifestPath
$version = $manifest.ModuleVersion
$notes = Get-ReleaseNotes $version
if (-not $ProjectUri) { $ProjectUri = Get-DefaultProjectUri }

# Staging: the folder must be named after the module for Publish-PSResource.
$work = Join-Path ([IO.Path]::GetTempPath()) ("dicomtools-pack-" + [guid]::NewGuid().ToString('N'))
$staging = Join-Path $work 'DicomTools'
New-Item -ItemType Directory -Path $staging | Out-Null
try {
    # The assemblies: DicomTools.dll and every .dll beside it (the references publish copied: ImageSharp,
    # JpegLibrary). No .pdb, no .deps.json: PowerShell resolves a binary module's references from its folder.
    $files = [Collections.Generic.List[string]]::new()
    # (every .dll under the module folder; today one DicomTools.dll, the RootModule, and ImageSharp beside it).
    foreach ($dll in Get-ChildItem -LiteralPath $ModuleFolder -Filter *.dll -File -Recurse) { $files.Add([IO.Path]::GetRelativePath($ModuleFolder, $dll.FullName)) }
    if ($manifest.RootModule -and $manifest.RootModule -notlike '*.dll') { $files.Add($manifest.RootModule) }
    foreach ($format in @($manifest['FormatsToProcess']) + @($manifest['TypesToProcess'])) { if ($format) { $files.Add($format) } }
    foreach ($help in Get-ChildItem -LiteralPath $ModuleFolder -Recurse -File -Filter *-Help.xml) {
        $files.Add([IO.Path]::GetRelativePath($ModuleFolder, $help.FullName))
    }
    # Native codec libraries placed in the module's runtimes/<rid>/native folders travel with it.
    $runtimes = Join-Path $ModuleFolder 'runtimes'
    if (Test-Path $runtimes) {
        foreach ($native in Get-ChildItem -LiteralPath $runtimes -Recurse -File) { $files.Add([IO.Path]::GetRelativePath($ModuleFolder, $native.FullName)) }
    }
    foreach ($file in $files) {
        $target = Join-Path $staging $file
        New-Item -ItemType Directory -Path (Split-Path $target) -Force | Out-Null
        Copy-Item -LiteralPath (Join-Path $ModuleFolder $file) -Destination $target
    }
    Copy-Item -LiteralPath (Join-Path $root 'LICENSE') -Destination $staging
    $files.Add('LICENSE')
    $files.Add('DicomTools.psd1')

    # The staged manifest: ReleaseNotes, FileList and ProjectUri filled in; everything else as written in the repository.
    $text = Get-Content -LiteralPath $manifestPath -Raw
    $fileList = ($files | Sort-Object | ForEach-Object { ConvertTo-Psd1String ($_ -replace '\\', '/') }) -join ', '
    $text = [regex]::Replace($text, "(?m)^(\s*)FormatsToProcess(\s*)=.*$", { param($m) "$($m.Value)`n$($m.Groups[1].Value)$('FileList'.PadRight(16 + $m.Groups[2].Length))= @($fileList)" })
    $text = [regex]::Replace($text, "(?m)^(\s*)ReleaseNotes(\s*)=.*$", { param($m) "$($m.Groups[1].Value)ReleaseNotes$($m.Groups[2].Value)= $(ConvertTo-Psd1String $notes)" })
    if ($ProjectUri) {
        $text = [regex]::Replace($text, "(?m)^(\s*)LicenseUri(\s*)=.*$", { param($m) "$($m.Value)`n$($m.Groups[1].Value)$('ProjectUri'.PadRight(10 + $m.Groups[2].Length))= $(ConvertTo-Psd1String $ProjectUri)" })
    }
    else {
        Write-Warning 'No ProjectUri: the repository has no https remote "origin"; pass -ProjectUri to set one.'
    }
    Set-Content -LiteralPath (Join-Path $staging 'DicomTools.psd1') -Value $text -NoNewline
    $check = Test-ModuleManifest -Path (Join-Path $staging 'DicomTools.psd1') -ErrorAction Stop
    if ($check.Version -ne [version]$version) { throw "the staged manifest reads as version $($check.Version), not $version" }

    # Publish to a folder repository that exists only for this call.
    New-Item -ItemType Directory -Path $OutputDirectory -Force | Out-Null
    $OutputDirectory = (Resolve-Path $OutputDirectory).Path
    $package = Join-Path $OutputDirectory "DicomTools.$version.nupkg"
    if (Test-Path -LiteralPath $package) { Remove-Item -LiteralPath $package -Force }
    if (-not (Get-Module -ListAvailable Microsoft.PowerShell.PSResourceGet)) {
        throw 'Packing needs Microsoft.PowerShell.PSResourceGet (part of PowerShell 7.4 and later): run it with `dotnet tool restore && dotnet pwsh ./build.ps1 Package`'
    }
    Import-Module Microsoft.PowerShell.PSResourceGet -ErrorAction Stop
    $repository = 'DicomToolsBuild-' + [guid]::NewGuid().ToString('N').Substring(0, 12)
    Register-PSResourceRepository -Name $repository -Uri $OutputDirectory -Trusted
    try {
        Publish-PSResource -Path $staging -Repository $repository
    }
    finally {
        Unregister-PSResourceRepository -Name $repository
    }
    if (-not (Test-Path -LiteralPath $package)) { throw "Publish-PSResource did not write $package" }
    Get-Item -LiteralPath $package
}
finally {
    Remove-Item -LiteralPath $work -Recurse -Force -ErrorAction SilentlyContinue
}
