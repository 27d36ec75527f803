import requests
resp = requests.get(
"https://lab.flashalpha.com/v1/flow/zero-dte/strike-flow/SPY",
params={"bar": "1m", "minutes": 120},
headers={"X-Api-Key": "YOUR_API_KEY"}
)
data = resp.json()
print(data["strikes_grid"])
