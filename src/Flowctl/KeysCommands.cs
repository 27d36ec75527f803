using System.CommandLine;
using System.Globalization;
using FlowFunctions.Storage;
using FlowFunctions.Storage.Azure;
using FlowFunctions.Storage.Keys;
using Spectre.Console;

namespace FlowFunctions.Flowctl;

/// <summary>
/// <c>flowctl keys create | list | revoke | set-plan</c>: API keys in the app's <c>apikeys</c> table. A new key is
/// printed once and stored only as its keyed hash (HMAC under the app's key-hash secret); nothing here can print a key
/// again. Keys are named by id (the first 20 hex digits of the hash, as the app logs them) or by their unique name.
/// </summary>
public static class KeysCommands
{
    public static Command Build(StorageArguments storage, IAnsiConsole console, TimeProvider time)
    {
        var keys = new Command("keys", "Create, list, revoke and re-plan API keys.");

        var plan = new Option<string>("--plan") { Description = "free, basic, growth or alpha", Required = true };
        var name = new Option<string>("--name") { Description = "A name for the key's holder (unique)", Required = true };
        var admin = new Option<bool>("--admin") { Description = "May post events to the ingest endpoint" };
        var create = new Command("create", "Create a key; prints it once.") { plan, name, admin };
        create.SetAction((parse, ct) => CreateAsync(storage.Open(parse), storage.Hasher(parse), ParsePlan(parse.GetValue(plan)), parse.GetValue(name)!, parse.GetValue(admin), console, time, ct));

        var list = new Command("list", "List keys: name, plan, created, last used, usage today. Never the key.");
        list.SetAction((parse, ct) => ListAsync(storage.Open(parse), console, time, ct));

        var which = new Argument<string>("key") { Description = "The key's id or name" };
        var revoke = new Command("revoke", "Revoke a key: it answers 401 from the next request on, on every instance.") { which };
        revoke.SetAction((parse, ct) => ChangeAsync(storage.Open(parse), parse.GetValue(which)!, k => k with { RevokedUtc = time.GetUtcNow() }, "revoked", console, ct));

        var newPlan = new Option<string>("--plan") { Description = "free, basic, growth or alpha", Required = true };
        var setPlan = new Command("set-plan", "Move a key to another plan.") { which, newPlan };
        setPlan.SetAction((parse, ct) =>
        {
            var to = ParsePlan(parse.GetValue(newPlan));
            return ChangeAsync(storage.Open(parse), parse.GetValue(which)!, k => k with { Plan = to }, $"moved to {to.Name()}", console, ct);
        });

        keys.Add(create);
        keys.Add(list);
        keys.Add(revoke);
        keys.Add(setPlan);
        return keys;
    }

    private static async Task<int> CreateAsync(AzureStorage storage, ApiKeyHasher hasher, Plan plan, string name, bool admin, IAnsiConsole console, TimeProvider time, CancellationToken ct)
    {
        name = name.Trim();
        if (name.Length is 0 or > 100)
        {
            throw new FlowctlException("--name must be 1 to 100 characters.");
        }

        var store = storage.CreateApiKeyStore();
        if ((await AllAsync(store, ct)).Any(k => string.Equals(k.Name, name, StringComparison.Ordinal)))
        {
            throw new FlowctlException($"A key named \"{name}\" exists; names identify keys for revoke and set-plan.");
        }

        var key = ApiKeyHasher.NewKey();
        var digest = hasher.Digest(key);
        await store.CreateAsync(new ApiKeyRecord(digest.Id, digest.Hash, name, plan, admin, time.GetUtcNow()), ct);
        console.MarkupLineInterpolated($"Created key [bold]{name}[/] ({plan.Name()}{(admin ? ", admin" : string.Empty)}), id {digest.Id}.");
        console.MarkupLine("Copy it now; it is stored only as a keyed hash and cannot be shown again:");
        console.WriteLine(key);
        return 0;
    }

    private static async Task<int> ListAsync(AzureStorage storage, IAnsiConsole console, TimeProvider time, CancellationToken ct)
    {
        var quotas = storage.CreateQuotaStore();
        var now = time.GetUtcNow();
        var table = new Table().AddColumns("id", "name", "plan", "admin", "created (UTC)", "last used (UTC)", "used today", "state");
        var all = await AllAsync(storage.CreateApiKeyStore(), ct);
        foreach (var k in all.OrderBy(k => k.Name, StringComparer.Ordinal))
        {
            var usage = await quotas.GetUsageAsync(k.Id, now, ct);
            var last = await quotas.LastCountedAsync(k.Id, ct);
            table.AddRow(
                Markup.Escape(k.Id),
                Markup.Escape(k.Name),
                k.Plan.Name(),
                k.IsAdmin ? "yes" : "no",
                Utc(k.CreatedUtc),
                last is { } l ? Utc(l) : "never",
                usage.UsedToday.ToString(CultureInfo.InvariantCulture),
                k.RevokedUtc is { } r ? $"revoked {Utc(r)}" : "active");
        }

        console.Write(table);
        console.MarkupLineInterpolated($"{all.Count} keys.");
        return 0;
    }

    private static async Task<int> ChangeAsync(AzureStorage storage, string which, Func<ApiKeyRecord, ApiKeyRecord> change, string done, IAnsiConsole console, CancellationToken ct)
    {
        var store = storage.CreateApiKeyStore();
        for (var attempt = 0; ; attempt++)
        {
            var key = await FindAsync(store, which.Trim(), ct);
            try
            {
                await store.ReplaceAsync(change(key), key.ETag, ct);
                console.MarkupLineInterpolated($"Key [bold]{key.Name}[/] ({key.Id}) {done}.");
                return 0;
            }
            catch (StoreException e) when (e.Failure == StoreFailure.PreconditionFailed && attempt < 5)
            {
                // Changed in between (another operator): read it again and apply the change to what is there now.
            }
        }
    }

    private static async Task<ApiKeyRecord> FindAsync(AzureApiKeyStore store, string which, CancellationToken ct)
    {
        if (await store.FindAsync(which, ct) is { } byId)
        {
            return byId;
        }

        var named = (await AllAsync(store, ct)).Where(k => string.Equals(k.Name, which, StringComparison.Ordinal)).ToList();
        return named.Count switch
        {
            1 => named[0],
            0 => throw new FlowctlException($"No key has the id or name \"{which}\"."),
            _ => throw new FlowctlException($"{named.Count} keys are named \"{which}\"; name one by id."),
        };
    }

    private static async Task<List<ApiKeyRecord>> AllAsync(AzureApiKeyStore store, CancellationToken ct)
    {
        var all = new List<ApiKeyRecord>();
        string? token = null;
        do
        {
            var page = await store.ListAsync(1000, token, ct);
            all.AddRange(page.Items);
            token = page.ContinuationToken;
        }
        while (token is not null);
        return all;
    }

    private static Plan ParsePlan(string? name) =>
        Plans.TryParse(name, out var plan) ? plan : throw new FlowctlException($"Unknown plan \"{name}\": use free, basic, growth or alpha.");

    private static string Utc(DateTimeOffset t) => t.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);
}
