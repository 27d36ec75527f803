using System.Security.Cryptography;
using System.Text;

namespace FlowFunctions.Storage.Keys;

/// <summary>The keyed hash of a presented key: its lookup id and the full hash to compare.</summary>
public readonly record struct ApiKeyDigest(string Id, byte[] Hash);

/// <summary>
/// Keys are held only as HMAC-SHA256 under a server secret (<c>Auth:KeyHashSecret</c>), so a copy of the key table
/// yields no usable key and cannot be brute-forced without the secret. The first 10 bytes of the hash, as hex, are the
/// row id a key is looked up by; the whole hash is then compared in constant time. Thread-safe.
/// </summary>
public sealed class ApiKeyHasher
{
    /// <summary>Longest key accepted; anything longer is malformed (and never hashed).</summary>
    public const int MaxKeyLength = 256;

    private const int IdBytes = 10;
    private readonly byte[] _secret;

    public ApiKeyHasher(byte[] secret)
    {
        if (secret.Length < 16)
        {
            throw new ArgumentException("The key-hash secret must be at least 16 bytes.", nameof(secret));
        }

        _secret = secret;
    }

    /// <summary>Printable ASCII without spaces, 1 to <see cref="MaxKeyLength"/> characters.</summary>
    public static bool IsWellFormed(ReadOnlySpan<char> key)
    {
        if (key.IsEmpty || key.Length > MaxKeyLength)
        {
            return false;
        }

        foreach (var c in key)
        {
            if (c is <= ' ' or > '~')
            {
                return false;
            }
        }

        return true;
    }

    public ApiKeyDigest Digest(string key)
    {
        var hash = HMACSHA256.HashData(_secret, Encoding.UTF8.GetBytes(key));
        return new ApiKeyDigest(Convert.ToHexStringLower(hash.AsSpan(0, IdBytes)), hash);
    }

    public static bool Matches(byte[] storedHash, byte[] presentedHash) =>
        CryptographicOperations.FixedTimeEquals(storedHash, presentedHash);

    /// <summary>A new random key: <c>ff_</c> and 32 bytes of entropy in URL-safe base64.</summary>
    public static string NewKey()
    {
        Span<byte> bytes = stackalloc byte[32];
        RandomNumberGenerator.Fill(bytes);
        return "ff_" + Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
    }
}
