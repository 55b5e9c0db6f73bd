<#
.SYNOPSIS
    Converts every DICOM file under a folder to PNG, keeping the folder structure.
.EXAMPLE
    ./01-Convert-FolderTree.ps1 -Source D:\Archive -Destination D:\Png
#>
param(
    [Parameter(Mandatory)][string]$Source,
    [Parameter(Mandatory)][string]$Destination
)
$Source = (Resolve-Path -LiteralPath $Source).Path
# One Export-DicomImage per folder: it converts the folder's files in parallel and names each PNG after its file.
# A file that is not DICOM gives one error naming it, and the others carry on.
Get-ChildItem -LiteralPath $Source -Recurse -File | Group-Object DirectoryName | ForEach-Object {
    $target = Join-Path $Destination ([IO.Path]::GetRelativePath($Source, $_.Name))
    New-Item -ItemType Directory -Path $target -Force | Out-Null
    $_.Group | Export-DicomImage -OutputDirectory $target -PassThru
}
