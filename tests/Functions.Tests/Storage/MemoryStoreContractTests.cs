using FlowFunctions.Storage;
using FlowFunctions.Storage.Memory;

namespace FlowFunctions.Functions.Tests.Storage;

public sealed class MemoryFlowStoreContractTests : FlowStoreContract
{
    protected override IFlowStore CreateStore() => new MemoryFlowStore();
}

public sealed class MemoryApiKeyStoreContractTests : ApiKeyStoreContract
{
    protected override IApiKeyStore CreateStore() => new MemoryApiKeyStore();
}

public sealed class MemoryQuotaStoreContractTests : QuotaStoreContract
{
    protected override IQuotaStore CreateStore() => new MemoryQuotaStore();
}

public sealed class MemorySnapshotStoreContractTests : SnapshotStoreContract
{
    protected override ISnapshotStore CreateStore() => new MemorySnapshotStore();
}

public sealed class MemoryDeadLetterStoreContractTests : DeadLetterStoreContract
{
    protected override IDeadLetterStore CreateStore() => new MemoryDeadLetterStore();
}

public sealed class MemoryBurstOnlyQuotaContractTests : BurstOnlyQuotaContract
{
    protected override IQuotaStore CreateStore() => new MemoryQuotaStore();
}

public sealed class MemoryFlowStoreCancelContractTests : FlowStoreCancelContract
{
    protected override IFlowStore CreateStore() => new MemoryFlowStore();
}

public sealed class MemoryFlowStoreIntegrityContractTests : FlowStoreIntegrityContract
{
    protected override IFlowStore CreateStore() => new MemoryFlowStore();
}
