import requests

resp = requests.get(
    "https://lab.flashalpha.com/v1/flow/options/leaderboard",
    headers={"X-Api-Key": "YOUR_API_KEY"}
)
data = resp.json()
print(f"Top buyer: {data['buyers'][0]['symbol']}")
