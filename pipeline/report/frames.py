"""The marts as pandas frames, read once per report, a NULL staying a missing value.

Columns that newer marts add (a ranking's ``sample_size``, a district-year's
``days_after_deadline``) are used when present; an older warehouse draws without them and says
so, rather than inventing them.
"""

from __future__ import annotations

from dataclasses import dataclass

import duckdb
import pandas as pd

MARTS = ("district_year", "requester_mix", "outcome_mix", "city_ranking", "coverage", "quality")
NO_CITY = "（未知城市 city unknown）"


def city_code(division_code: str) -> str:
    """The prefecture-level city's division code (GB/T 2260: the first four digits, then 00)."""
    return f"{division_code[:4]}00"


@dataclass(frozen=True)
class Marts:
    """The marts of one warehouse (or one city's slice of them)."""

    district_year: pd.DataFrame
    requester_mix: pd.DataFrame
    outcome_mix: pd.DataFrame
    city_ranking: pd.DataFrame
    coverage: pd.DataFrame
    quality: pd.DataFrame
    years: tuple[int, ...]

    @property
    def districts(self) -> pd.DataFrame:
        """Expected districts (code, name, city, province), in division-code order."""
        frame = self.coverage[["division_code", "district_name", "city", "province"]]
        return frame.drop_duplicates("division_code").sort_values("division_code")

    def cities(self) -> list[tuple[str, str, str]]:
        """(city code, city name, province) of every city with an expected district."""
        seen: dict[str, tuple[str, str, str]] = {}
        for row in self.districts.itertuples():
            code = city_code(row.division_code)
            seen.setdefault(code, (code, row.city or NO_CITY, row.province or ""))
        return sorted(seen.values())

    def city(self, code: str) -> Marts:
        """This warehouse's rows of the districts of one city."""

        def rows(frame: pd.DataFrame) -> pd.DataFrame:
            if frame.empty:
                return frame
            return frame[frame["division_code"].str[:4] == code[:4]].reset_index(drop=True)

        return Marts(
            **{name: rows(getattr(self, name)) for name in MARTS},
            years=self.years,
        )

    def last_years(self, count: int) -> Marts:
        """The same marts restricted to the last ``count`` years."""
        years = self.years[-count:]

        def rows(frame: pd.DataFrame) -> pd.DataFrame:
            if frame.empty:
                return frame
            return frame[frame["year"].isin(years)].reset_index(drop=True)

        return Marts(**{name: rows(getattr(self, name)) for name in MARTS}, years=years)

    def is_sample(self) -> pd.Series:
        """``is_sample`` per (division_code, year) of the district-years that have a report."""
        frame = self.district_year
        if frame.empty or "is_sample" not in frame:
            return pd.Series(dtype=bool)
        return frame.set_index(["division_code", "year"])["is_sample"].astype(bool)


def _frame(con: duckdb.DuckDBPyConnection, name: str) -> pd.DataFrame:
    frame = con.execute(f"SELECT * FROM marts.{name}").df()
    if "year" in frame:
        frame["year"] = frame["year"].astype(int)
    return frame


def load_marts(con: duckdb.DuckDBPyConnection, years: list[int] | None = None) -> Marts:
    """Every mart the report draws; the years are the coverage mart's unless given."""
    frames = {name: _frame(con, name) for name in MARTS}
    if years is None:
        years = sorted(frames["coverage"]["year"].unique().tolist())
    return Marts(**frames, years=tuple(int(y) for y in years))
