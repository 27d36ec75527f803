import requests

resp = requests.get(
    "https://lab.flashalpha.com/v1/flow/options/SPY/cumulative",
    headers={"X-Api-Key": "YOUR_API_KEY"}
)
data = resp.json()
print(f"Cumulative net: {data['points'][-1]['cumulative']:,}")
