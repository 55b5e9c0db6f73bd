<#
.SYNOPSIS
    What an archive holds, per study: patient, date, description, modalities, series and image counts.
.EXAMPLE
    ./09-Get-StudySummary.ps1 -Source D:\Archive | Sort-Object StudyDate | Format-Table
#>
param([Parameter(Mandatory)][string]$Source)
Get-ChildItem -LiteralPath $Source -Recurse -File |
    Get-DicomInfo -ErrorAction SilentlyContinue |
    Group-Object StudyInstanceUID |
    ForEach-Object {
        $first = $_.Group[0]
        [pscustomobject]@{
            PatientID        = $first.PatientID
            StudyDate        = $first.StudyDate
            StudyDescription = $first.StudyDescription
            Modalities       = ($_.Group.Modality | Sort-Object -Unique) -join ','
            Series           = @($_.Group.SeriesInstanceUID | Sort-Object -Unique).Count
            Images           = ($_.Group | Measure-Object NumberOfFrames -Sum).Sum
            StudyInstanceUID = $_.Name
        }
    }
