const resp = await fetch(
"https://lab.flashalpha.com/v1/flow/summary/SPY",
{ headers: { "X-Api-Key": "YOUR_API_KEY" } }
);
const data = await resp.json();
console.log(`Flow direction: ${data.flow_direction}`);
console.log(`Live GEX: $${data.live_gex.toLocaleString()}`);
