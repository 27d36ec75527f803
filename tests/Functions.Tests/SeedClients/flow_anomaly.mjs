const resp = await fetch(
  "https://lab.flashalpha.com/v1/strategies/flow-anomaly/SPY",
  { headers: { "X-Api-Key": "YOUR_API_KEY" } }
);
const data = await resp.json();
console.log(`${data.decision} (score ${data.score}, regime ${data.regime})`);
