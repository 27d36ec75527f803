const resp = await fetch(
  "https://lab.flashalpha.com/v1/flow/options/SPY/cumulative",
  { headers: { "X-Api-Key": "YOUR_API_KEY" } }
);
const data = await resp.json();
console.log("Cumulative net: " + data.points[data.points.length-1].cumulative.toLocaleString());
