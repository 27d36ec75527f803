const resp = await fetch(
  "https://lab.flashalpha.com/v1/flow/options/leaderboard",
  { headers: { "X-Api-Key": "YOUR_API_KEY" } }
);
const data = await resp.json();
console.log("Top buyer: " + data.buyers[0].symbol);
