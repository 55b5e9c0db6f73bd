@{
    # DICOM to correctly displayed images: header inspection, pixel decoding, standard windowing, export.
    RootModule           = 'DicomTools.dll'
    ModuleVersion        = '0.1.0'
    GUID                 = '94483708-d13a-4855-9d0c-c8bb3f229e91'
    Author               = 'DicomTools contributors'
    CompanyName          = 'DicomTools'
    Copyright            = '(c) DicomTools contributors. MIT licence.'
    Description          = 'Reads DICOM medical images and renders them as the standard says (Modality LUT, VOI window or LUT, presentation), then exports PNG/JPEG/TIFF. Binary cmdlets, no external tools.'
    CompatiblePSEditions = @('Core')
    PowerShellVersion    = '7.4'
    CmdletsToExport      = @('Get-DicomInfo', 'Get-DicomPixelData', 'ConvertTo-WindowedImage', 'Export-DicomImage', 'Show-DicomImage')
    FunctionsToExport    = @()
    VariablesToExport    = @()
    AliasesToExport      = @()
    FormatsToProcess     = @('DicomTools.format.ps1xml')
    PrivateData          = @{
        PSData = @{
            Tags         = @('DICOM', 'medical-imaging', 'radiology', 'PACS', 'CT', 'MRI', 'windowing', 'PNG', 'image-conversion', 'PSEdition_Core', 'Linux', 'Windows', 'MacOS')
            LicenseUri   = 'https://opensource.org/licenses/MIT'
            ReleaseNotes = 'See CHANGELOG.md; build.ps1 Package copies its top section here.'
        }
    }
}
