"""The assignment engine: direct rules, capped round-robin, pools and tiers (to come)."""

__all__: list[str] = []
