"""The client's models field for field against the API's own OpenAPI document (``/v1/openapi.json`` of the app at
``FLOWFUNCTIONS_URL``): every JSON name a response schema lists is a field of its dataclass and every field is in the
schema, at every level. A field the API adds cannot be forgotten here without this failing."""

from __future__ import annotations

import dataclasses
import json
import os
import sys
import typing
import unittest
import urllib.request
from typing import Any, Optional

from flowfunctions import models

URL = os.environ.get("FLOWFUNCTIONS_URL", "http://localhost:7071")

# Each endpoint's answer and its schema; nested models are found through the schemas' references.
ANSWERS = {
    models.FlowAnomaly: "FlowAnomalyResponse",
    models.FlowSummary: "FlowSummaryResponse",
    models.CumulativeFlow: "CumulativeFlowResponse",
    models.StrikeFlow: "StrikeFlowResponse",
    models.Leaderboard: "LeaderboardResponse",
    models.Account: "AccountResponse",
}


def _reference(prop: dict) -> Optional[str]:
    """The component schema a property holds (itself or as array items), or None for a plain value."""
    for node in (prop, prop.get("items", {})):
        if "$ref" in node:
            return str(node["$ref"]).rsplit("/", 1)[-1]
    return None


def _dataclass_in(hint: Any) -> Any:
    """The dataclass inside Optional[...] or List[...], or None."""
    if dataclasses.is_dataclass(hint):
        return hint
    for arg in typing.get_args(hint):
        found = _dataclass_in(arg)
        if found is not None:
            return found
    return None


class SchemaTests(unittest.TestCase):
    def test_every_model_has_exactly_its_schemas_fields_at_every_level(self) -> None:
        with urllib.request.urlopen(URL.rstrip("/") + "/v1/openapi.json", timeout=30) as response:
            schemas = json.load(response)["components"]["schemas"]
        checked: set = set()

        def check(cls: Any, name: str) -> None:
            if (cls, name) in checked:
                return
            checked.add((cls, name))
            hints = typing.get_type_hints(cls, vars(sys.modules[cls.__module__]))
            fields = {}
            for f in dataclasses.fields(cls):
                json_name = f.metadata.get("json", f.name)
                if json_name is not None:
                    fields[json_name] = f
            properties = schemas[name]["properties"]
            self.assertEqual(sorted(properties), sorted(fields), f"{cls.__name__} against {name}")
            for json_name, f in fields.items():
                reference = _reference(properties[json_name])
                inner = _dataclass_in(hints[f.name])
                self.assertEqual(reference is not None, inner is not None, f"{cls.__name__}.{f.name} against {name}.{json_name}")
                if reference is not None:
                    check(inner, reference)

        for cls, name in ANSWERS.items():
            check(cls, name)
        self.assertGreaterEqual(len(checked), 15)


if __name__ == "__main__":
    unittest.main()
