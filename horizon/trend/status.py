"""What a trend result can be besides a number: each degenerate case a named status with one
line of explanation, printed in text and JSON alike (never a traceback, never an absurd number).
"""

from __future__ import annotations

from dataclasses import dataclass

from horizon.trend.rules import PLAUSIBLE_DOUBLING_DAYS


@dataclass(frozen=True)
class Status:
    code: str      # a stable name scripts can test
    text: str      # one line for a reader

    @property
    def ok(self) -> bool:
        return self.code == OK.code


OK = Status("ok", "fitted")

# Form statuses (trend_fits.status).
NOT_FITTED = "not_fitted"            # too few points for its shape
NOT_CONVERGED = "not_converged"
NOT_IDENTIFIED = "not_identified"
NO_GROWTH = "no_growth"
IMPLAUSIBLE_DOUBLING = "implausible_doubling"

# Trend-level warnings (a trend can carry several).
FRAGILE = "fragile"
BACKTEST_NOT_RUN = "backtest_not_run"
BREAK_TEST_NOT_RUN = "break_test_not_run"
PUBLISHER_GAP = "publisher_gap"
INTERVAL_UNBOUNDED = "interval_unbounded"

STATUS_CODES = (OK.code, NOT_FITTED, NOT_CONVERGED, NOT_IDENTIFIED, NO_GROWTH, IMPLAUSIBLE_DOUBLING)

# Fewer points than this and a trend is fragile: one model more or less moves it a lot, and
# its interval, with n - 2 degrees of freedom, is wide. 6 is also the fewest a backtest trains on.
FRAGILE_BELOW = 6


def not_fitted(reason: str) -> Status:
    return Status(NOT_FITTED, reason)


def not_converged(form: str) -> Status:
    return Status(NOT_CONVERGED, f"{form} fit did not converge: the least-squares search stopped without an optimum")


def no_growth(form: str) -> Status:
    if form == "exponential":
        return Status(NO_GROWTH, "horizon did not grow: the fitted slope of ln(horizon) is not positive,"
                                 " so there is no doubling time")
    return Status(NO_GROWTH, "not growing at the last release: no doubling time")


def implausible_doubling(days: float) -> Status:
    lo, hi = PLAUSIBLE_DOUBLING_DAYS
    # Said in words past a century: the number itself (10^11 days) would be the absurd figure.
    fitted = f"{days:,.0f} days" if days <= 36525 else "more than a century"
    why = ("the horizons are flat within their scatter" if days > hi
           else "faster than any measured frontier could support")
    return Status(
        IMPLAUSIBLE_DOUBLING,
        f"the fitted doubling time ({fitted}) is outside any plausible range ({lo:g} days to"
        f" {hi / 365.25:g} years): {why}, so no doubling time is reported",
    )


def fragile(n: int, closed_form: bool = True) -> Status:
    how = (f"the interval uses Student t with {n - 2} degree{'s' if n - 2 != 1 else ''} of freedom and is wide"
           " accordingly" if closed_form else "its interval rests on refits of so few points")
    return Status(
        FRAGILE,
        f"fragile: fitted on only {n} points; {how}, and one model more or less can move the doubling time a lot",
    )


def interval_unbounded(forms: list[str]) -> Status:
    lo, hi = PLAUSIBLE_DOUBLING_DAYS
    return Status(
        INTERVAL_UNBOUNDED,
        f"interval not bounded by the data ({', '.join(forms)}): an end fell outside any plausible doubling time"
        f" ({lo:g} days to {hi / 365.25:g} years), so it is shown as unbounded rather than as a number",
    )
