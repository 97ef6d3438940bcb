"""Backlog metrics: the backlog ratio, weekly trends and breakdowns (to come)."""

__all__: list[str] = []
