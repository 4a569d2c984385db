"""GDP cost of a rare-earth restriction by its duration, from a published estimate.

Nomura Research Institute's estimate (Kiuchi Takahide, late 2025) gives two
points: a loss of yen for a three-month and for a one-year restriction, the
latter also as a share of GDP. The book's model is a line through the origin
fitted to those points (least squares), so the loss grows in proportion to
the duration; the GDP denominator is the one the estimate implies (its yen loss
divided by its share). This is the book's reading of two published numbers,
not NRI's own model, which was not read; beyond the longest estimated duration
the line is an extrapolation. `ShareLine` reads the same way an estimate given
only as a share of GDP, for the scenario explorer's other estimates.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class LinearLoss:
    per_month_jpy_trn: float
    gdp_jpy_trn: float
    longest_estimated_months: int

    @classmethod
    def fit(cls, points: list[tuple[int, float]], anchor_months: int, anchor_pct: float) -> "LinearLoss":
        """`points`: (months, loss in trillion yen); the anchor point's share of GDP (percent)
        fixes the GDP denominator."""
        if len(points) < 1 or any(m <= 0 or loss < 0 for m, loss in points):
            raise ValueError("need at least one (positive months, non-negative loss) point")
        if anchor_pct <= 0:
            raise ValueError("the anchor share of GDP must be positive")
        slope = sum(m * loss for m, loss in points) / sum(m * m for m, _ in points)
        anchor_loss = dict(points)[anchor_months]
        return cls(slope, anchor_loss / (anchor_pct / 100), max(m for m, _ in points))

    def loss_jpy_trn(self, months: float) -> float:
        if months < 0:
            raise ValueError("duration must be non-negative")
        return self.per_month_jpy_trn * months

    def loss_pct_of_gdp(self, months: float) -> float:
        return 100 * self.loss_jpy_trn(months) / self.gdp_jpy_trn

    def is_extrapolation(self, months: float) -> bool:
        return months > self.longest_estimated_months


@dataclass(frozen=True)
class ShareLine:
    """The same reading for an estimate given only as a share of GDP (Daiwa's, Mizuho's): a line
    through the origin fitted (least squares) to (months, loss in percent of GDP) points, so the
    loss grows in proportion to the duration (for an estimate of one point, the line through
    it); beyond the longest estimated duration the line is an extrapolation."""

    per_month_pct: float
    longest_estimated_months: int

    @classmethod
    def fit(cls, points: list[tuple[int, float]]) -> "ShareLine":
        if len(points) < 1 or any(m <= 0 or loss < 0 for m, loss in points):
            raise ValueError("need at least one (positive months, non-negative loss) point")
        slope = sum(m * loss for m, loss in points) / sum(m * m for m, _ in points)
        return cls(slope, max(m for m, _ in points))

    def loss_pct_of_gdp(self, months: float) -> float:
        if months < 0:
            raise ValueError("duration must be non-negative")
        return self.per_month_pct * months

    def is_extrapolation(self, months: float) -> bool:
        return months > self.longest_estimated_months
