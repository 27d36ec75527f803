"""Client of the FlowFunctions options-flow analytics API (standard library only).

``FlowFunctionsClient`` has one method per endpoint and ``stream()`` for the live flow stream; errors raise
``FlowFunctionsError``. The answers are the dataclasses of ``flowfunctions.models``.
"""

from .client import FlowFunctionsClient, FlowFunctionsError, StreamEvent
from .models import (
    Account,
    CumulativeFlow,
    CumulativePoint,
    DataQuality,
    DealerGex,
    FlowAnomaly,
    FlowAnomalyMetrics,
    FlowSummary,
    GapInterval,
    Leaderboard,
    LeaderboardRow,
    RateLimit,
    RiskFlag,
    SignedFlow,
    SpreadLeg,
    SpreadStructure,
    StrikeFlow,
    StrikeFlowBar,
)

__all__ = [
    "Account", "CumulativeFlow", "CumulativePoint", "DataQuality", "DealerGex", "FlowAnomaly", "FlowAnomalyMetrics",
    "FlowFunctionsClient", "FlowFunctionsError", "FlowSummary", "GapInterval", "Leaderboard", "LeaderboardRow", "RateLimit",
    "RiskFlag", "SignedFlow", "SpreadLeg", "SpreadStructure", "StreamEvent", "StrikeFlow", "StrikeFlowBar",
]
__version__ = "0.1.0"
