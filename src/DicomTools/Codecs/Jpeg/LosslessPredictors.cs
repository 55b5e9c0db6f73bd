namespace DicomTools.Codecs.Jpeg;

/// <summary>
/// The seven predictors of T.81 Table H.1, as struct type arguments: a generic row loop instantiated with one of
/// them is compiled once per predictor, so the hot loop has no branch or call for the selection value.
/// Ra is the sample to the left, Rb the one above, Rc the one above-left. All arithmetic is on non-negative
/// 16-bit values held in int; the shifts are arithmetic (floor), as in libjpeg's reference implementation.
/// </summary>
internal interface ILosslessPredictor
{
    static abstract int Predict(int ra, int rb, int rc);
}

internal readonly struct PredictLeft : ILosslessPredictor
{
    public static int Predict(int ra, int rb, int rc) => ra;
}

internal readonly struct PredictAbove : ILosslessPredictor
{
    public static int Predict(int ra, int rb, int rc) => rb;
}

internal readonly struct PredictAboveLeft : ILosslessPredictor
{
    public static int Predict(int ra, int rb, int rc) => rc;
}

internal readonly struct PredictPlane : ILosslessPredictor
{
    public static int Predict(int ra, int rb, int rc) => ra + rb - rc;
}

internal readonly struct PredictLeftPlusHalfGradient : ILosslessPredictor
{
    public static int Predict(int ra, int rb, int rc) => ra + ((rb - rc) >> 1);
}

internal readonly struct PredictAbovePlusHalfGradient : ILosslessPredictor
{
    public static int Predict(int ra, int rb, int rc) => rb + ((ra - rc) >> 1);
}

internal readonly struct PredictAverage : ILosslessPredictor
{
    public static int Predict(int ra, int rb, int rc) => (ra + rb) >> 1;
}
