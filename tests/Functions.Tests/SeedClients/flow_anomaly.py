import requests

resp = requests.get(
    "https://lab.flashalpha.com/v1/strategies/flow-anomaly/SPY",
    headers={"X-Api-Key": "YOUR_API_KEY"}
)
data = resp.json()
print(f"{data['decision']} (score {data['score']}, regime {data['regime']})")
