using FlowFunctions.Functions.Auth;
using FlowFunctions.Storage;
using Microsoft.Extensions.Options;

namespace FlowFunctions.Functions.Streaming;

/// <summary>
/// Ends the streams of a revoked key on this instance (docs/api.md "Live flow stream", "Limits"): every
/// <see cref="StreamOptions.KeyCheckSeconds"/> it reads each key that holds a stream open here, past the key cache, and
/// revokes the slots of a key that is revoked or gone. One read per streaming key per period. Runs on every instance,
/// in both modes.
/// </summary>
public sealed partial class StreamKeyWatch(StreamSlots slots, IApiKeyStore keys, IOptions<StreamOptions> options, ILogger<StreamKeyWatch> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(Math.Max(1, options.Value.KeyCheckSeconds)));
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            await CheckAsync(stoppingToken);
        }
    }

    /// <summary>One round: returns how many streams it ended.</summary>
    public async Task<int> CheckAsync(CancellationToken cancellationToken)
    {
        var ended = 0;
        foreach (var id in slots.OpenKeys())
        {
            try
            {
                var key = keys is CachingApiKeyStore cached ? await cached.FindFreshAsync(id, cancellationToken) : await keys.FindAsync(id, cancellationToken);
                if (key is null || key.IsRevoked)
                {
                    var n = slots.Revoke(id);
                    ended += n;
                    LogEnded(logger, id, n);
                }
            }
            catch (StoreException e)
            {
                // The next round tries again; a stream is never ended on a failed read.
                LogCheckFailed(logger, e, id);
            }
        }

        return ended;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Key {KeyId} is revoked: ended its {Streams} open streams on this instance")]
    private static partial void LogEnded(ILogger logger, string keyId, int streams);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not read key {KeyId} to check its open streams; trying again next round")]
    private static partial void LogCheckFailed(ILogger logger, Exception exception, string keyId);
}
