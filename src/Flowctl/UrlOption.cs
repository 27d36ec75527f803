using System.CommandLine;

namespace FlowFunctions.Flowctl;

/// <summary>
/// Options whose value is an http or https URL. System.CommandLine has no converter for <see cref="Uri"/> and refuses
/// every value given, so the value is parsed here, and a bad one is a parse error that names the option.
/// </summary>
public static class UrlOption
{
    public static Option<Uri?> Create(string name, string description, string example, Uri? byDefault = null, bool recursive = false) => new(name)
    {
        Description = description,
        Recursive = recursive,
        DefaultValueFactory = _ => byDefault,
        CustomParser = result =>
        {
            var text = result.Tokens.Count > 0 ? result.Tokens[^1].Value : string.Empty;
            if (Uri.TryCreate(text, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https")
            {
                return uri;
            }

            result.AddError($"{name} \"{text}\" is not an http or https URL, such as {example}.");
            return null;
        },
    };
}
