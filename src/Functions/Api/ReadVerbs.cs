namespace FlowFunctions.Functions.Api;

/// <summary>
/// The methods every read route answers: GET, and HEAD (the same status and headers, no body; Kestrel drops the body
/// of a HEAD answer). The HTTP functions' <c>function.json</c> files list both, so the host forwards both.
/// </summary>
public static class ReadVerbs
{
    public static readonly string[] GetOrHead = [HttpMethods.Get, HttpMethods.Head];
}
