namespace FlowFunctions.Functions.Auth;

/// <summary>One Development key from configuration (<c>Auth:DevelopmentKeys</c>).</summary>
public sealed class DevelopmentKeyOptions
{
    public string Key { get; set; } = string.Empty;

    public string Plan { get; set; } = string.Empty;

    public string Name { get; set; } = string.Empty;

    public bool Admin { get; set; }
}

/// <summary>The <c>Auth</c> configuration section.</summary>
public sealed class AuthOptions
{
    public const string Section = "Auth";

    /// <summary>The secret API keys are hashed under (at least 16 bytes of text). Required outside the memory store.</summary>
    public string? KeyHashSecret { get; set; }

    /// <summary>
    /// How long an instance keeps the answer of a key lookup, found or not (<see cref="CachingApiKeyStore"/>); a key
    /// revoked elsewhere stops working on every instance within this time. 0 reads the store on every request.
    /// </summary>
    public int KeyCacheSeconds { get; set; } = 30;

    /// <summary>The Development keys (docs/api.md "Keys, plans and quotas"), one per plan plus an admin key; seeded in the Development environment only.</summary>
    public List<DevelopmentKeyOptions> DevelopmentKeys { get; set; } = [];
}
