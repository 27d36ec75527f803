// Reads what FlowFunctions wrote to Azurite with Microsoft's own JavaScript SDKs (@azure/data-tables,
// @azure/storage-blob) and prints a JSON summary for the test to compare with the app's API answers.
// Usage: node read-app-storage.cjs <name prefix> <table port> <blob port>   (NODE_PATH points at tools/azurite/node_modules)
const { TableClient, AzureNamedKeyCredential, odata } = require("@azure/data-tables");
const { BlobServiceClient, StorageSharedKeyCredential } = require("@azure/storage-blob");

const [prefix, tablePort, blobPort] = process.argv.slice(2);
const account = "devstoreaccount1";
const key = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";
const tableUrl = `http://127.0.0.1:${tablePort}/${account}`;
const blobUrl = `http://127.0.0.1:${blobPort}/${account}`;
const tables = (name) => new TableClient(tableUrl, prefix + name, new AzureNamedKeyCredential(account, key), { allowInsecureConnection: true });
const blobs = new BlobServiceClient(blobUrl, new StorageSharedKeyCredential(account, key));

async function all(iterable) {
  const items = [];
  for await (const item of iterable) items.push(item);
  return items;
}

async function text(container, name) {
  const body = await blobs.getContainerClient(prefix + container).getBlobClient(name).downloadToBuffer();
  return body.toString("utf8");
}

(async () => {
  // Minute rows of SPY: base cells m00..m59, each a version byte then the tally (TradeCount is the seventh Int64),
  // and the delta log d000, d001, ...: a version byte, the batch's tag (8 bytes), then per changed cell its name
  // (length byte, ASCII) and change (Int32 length, then a cell like the base's). Tallies add.
  const minuteRows = await all(tables("flow").listEntities({
    queryOptions: { filter: odata`RowKey ge ${"m|SPY|"} and RowKey lt ${"m|SPY}"}` },
  }));
  const tradeCount = (bytes) => new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getBigInt64(1 + 48, true);
  let trades = 0n;
  const cellNames = new Set();
  for (const row of minuteRows) {
    for (const [name, value] of Object.entries(row)) {
      if (!(value instanceof Uint8Array)) continue;
      if (/^m\d\d$/.test(name)) {
        trades += tradeCount(value);
        cellNames.add(row.rowKey + name);
      } else if (/^d\d\d\d$/.test(name)) {
        const view = new DataView(value.buffer, value.byteOffset, value.byteLength);
        for (let at = 9; at < value.byteLength;) {
          const length = value[at++];
          const cell = Buffer.from(value.subarray(at, at + length)).toString("ascii");
          at += length;
          const size = view.getInt32(at, true);
          trades += tradeCount(value.subarray(at + 4, at + 4 + size));
          cellNames.add(row.rowKey + cell);
          at += 4 + size;
        }
      }
    }
  }
  const cells = cellNames.size;

  const until = minuteRows[0].Until; // Edm.Int64: the SDK hands back a bigint
  const [key0] = await all(tables("apikeys").listEntities());
  const receipts = await all(tables("flowreceipts").listEntities());
  const quotas = await all(tables("quotas").listEntities());
  const snapshotNames = (await all(blobs.getContainerClient(prefix + "snapshots").listBlobsFlat())).map((b) => b.name);
  const board = JSON.parse(await text("snapshots", "leaderboard/240.json"));
  const letterNames = (await all(blobs.getContainerClient(prefix + "deadletters").listBlobsFlat())).map((b) => b.name);
  const letter = JSON.parse(await text("deadletters", letterNames[0]));
  const chain = await blobs.getContainerClient(prefix + "chains").getBlobClient("2026-06-05/SPY").downloadToBuffer();

  console.log(JSON.stringify({
    spyTrades: Number(trades),
    spyMinuteCells: cells,
    untilType: typeof until,
    keyHashBytes: key0.Hash.length,
    keyPlan: key0.Plan,
    keyCreatedIsDate: key0.CreatedUtc instanceof Date,
    receipts: receipts.length,
    receiptErrors: receipts.map((r) => JSON.parse(r.Errors).length).reduce((a, b) => a + b, 0),
    quotaCountType: quotas.length > 0 ? typeof quotas[0].Count : null,
    snapshots: snapshotNames.length,
    topBuyer: board.buyers[0].symbol,
    deadLetterReason: letter.events[0].reason,
    chainBytes: chain.length,
  }));
})().catch((e) => {
  console.error(e);
  process.exit(1);
});
