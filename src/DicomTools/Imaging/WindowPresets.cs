using System.Diagnostics.CodeAnalysis;

namespace DicomTools.Imaging;

/// <summary>A named CT window in Hounsfield units (center and width, as DICOM writes them).</summary>
internal sealed record WindowPreset(string Name, double Center, double Width, string Description)
{
    /// <summary>Display settings that apply this preset (LINEAR unless <paramref name="function"/> says otherwise).</summary>
    public DisplaySettings ToSettings(VoiLutFunction? function = null, bool invert = false) =>
        new() { Center = Center, Width = Width, PresetName = Name, Function = function, Invert = invert };

    public override string ToString() => $"{Name} {VoiSelector.Number(Center)}/{VoiSelector.Number(Width)}";
}

/// <summary>
/// Standard CT windows. Values (level = center, width, in HU) from Radiopaedia, "Windowing (CT)",
/// https://radiopaedia.org/articles/windowing-ct ("Typical window width and level values"):
/// head and neck — brain W:80 L:40; subdural W:130-300 L:50-100 (we take the middle, W:215 L:75); stroke W:8 L:32
/// or W:40 L:40 (we take W:40 L:40, the one usable without a dedicated monitor); temporal bones W:2800 L:600 (or
/// W:4000 L:700); soft tissues W:350-400 L:20-60. Chest — lungs W:1500 L:-600; mediastinum W:350 L:50.
/// Abdomen — soft tissues W:400 L:50; liver W:150 L:30. Spine — bone W:1800 L:400.
/// SoftTissue uses W:400 L:50; Abdomen uses W:400 L:60, a common workstation abdomen preset within Radiopaedia's
/// soft-tissue range (L:20-60) and slightly brighter than SoftTissue for contrast-enhanced organs.
/// </summary>
internal static class WindowPresets
{
    public static IReadOnlyList<WindowPreset> All { get; } = new[]
    {
        new WindowPreset("Brain", 40, 80, "CT head: brain parenchyma"),
        new WindowPreset("Subdural", 75, 215, "CT head: blood and subdural collections"),
        new WindowPreset("Stroke", 40, 40, "CT head: grey-white differentiation in early ischaemia"),
        new WindowPreset("TemporalBone", 600, 2800, "CT head: temporal bones and skull base"),
        new WindowPreset("Lung", -600, 1500, "CT chest: lung parenchyma"),
        new WindowPreset("Mediastinum", 50, 350, "CT chest: mediastinum"),
        new WindowPreset("SoftTissue", 50, 400, "CT: soft tissues"),
        new WindowPreset("Abdomen", 60, 400, "CT abdomen: organs"),
        new WindowPreset("Liver", 30, 150, "CT abdomen: liver"),
        new WindowPreset("Bone", 400, 1800, "CT: bone"),
    };

    /// <summary>Finds a preset by name, ignoring case.</summary>
    public static bool TryGet(string? name, [MaybeNullWhen(false)] out WindowPreset preset)
    {
        foreach (var p in All)
        {
            if (string.Equals(p.Name, name?.Trim(), StringComparison.OrdinalIgnoreCase))
            {
                preset = p;
                return true;
            }
        }
        preset = null;
        return false;
    }
}
