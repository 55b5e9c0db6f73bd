<#
.SYNOPSIS
    Every frame of multi-frame files (cine, tomosynthesis, enhanced CT/MR) as numbered PNGs, a folder per file.
.EXAMPLE
    ./08-Export-AllFrames.ps1 -Source D:\Cine -Destination D:\Frames
#>
param(
    [Parameter(Mandatory)][string]$Source,
    [Parameter(Mandatory)][string]$Destination
)
Get-ChildItem -LiteralPath $Source -Recurse -File |
    Get-DicomInfo -ErrorAction SilentlyContinue |
    Where-Object NumberOfFrames -gt 1 |
    Export-DicomImage -Path (Join-Path $Destination '{BaseName}/frame_{Frame:0000}.png') -PassThru
