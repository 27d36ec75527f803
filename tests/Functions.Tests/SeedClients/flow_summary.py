import requests
resp = requests.get(
"https://lab.flashalpha.com/v1/flow/summary/SPY",
headers={"X-Api-Key": "YOUR_API_KEY"}
)
data = resp.json()
print(f"Flow direction: {data['flow_direction']}")
print(f"Live GEX: ${data['live_gex']:,.0f}")
