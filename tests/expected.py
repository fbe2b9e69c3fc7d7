"""An independent reading of DESIGN §4.1–4.4 in Python: the stage and flags a plot should
have, written from DESIGN's words and never from the SQL. Thresholds are the DESIGN
defaults, written out here on purpose.
"""

from __future__ import annotations

from datetime import date

# DESIGN §4 defaults
IDLE_FEE_SHARE = 0.20
WARNING_DAYS = 90
DEVELOPED_SHARE_MIN = 1 / 3
INVESTMENT_SHARE_MIN = 0.25
INTENSITY_MIN = 200.0  # 万元/亩
COEFFICIENT_MIN = 0.30
ADMIN_SHARE_MAX = 0.07
TAX_PER_MU_MIN = 15.0  # 万元/亩
LE_USES = ("1001", "1101")
# DESIGN §4.9: the planned uses each group of project industries (2017 divisions) needs
INDUSTRY_USES = {
    **dict.fromkeys([str(d) for d in range(13, 44)] + ["59", "60"], ("1001", "1101")),
    **dict.fromkeys(["51", "52", "61", "62"] + [str(d) for d in range(66, 76)], ("09",)),
}
PLOT_RATIO_MIN = {
    **dict.fromkeys(["13", "14", "15", "16", "18", "19", "24", "30", "40", "41", "42"], 1.0),
    **dict.fromkeys(["17", "20", "21", "22", "23", "28", "29"], 0.8),
    **dict.fromkeys(["27", "31", "34", "35", "36", "37", "39", "43"], 0.7),
    **dict.fromkeys(["26", "32", "33"], 0.6),
    "25": 0.5,
}
# GB/T 4754-2017 division -> the 2002 division PLOT_RATIO_MIN (2008 indicators) is keyed
# by; 29 splits on the group (291 rubber -> 29, 292 plastics -> 30).
DIVISION_2002 = {"30": "31", "31": "32", "32": "33", "33": "34", "34": "35", "35": "36",
                 "36": "37", "37": "37", "38": "39", "39": "40", "40": "41", "41": "42",
                 "42": "43"}


def ratio_minimum(code: str) -> float | None:
    """The minimum plot ratio of a GB/T 4754-2017 industry code (None: no minimum)."""
    if code.startswith("43"):  # repair services: no 2002 division, no minimum
        return None
    division = "30" if code.startswith("292") else DIVISION_2002.get(code[:2], code[:2])
    return PLOT_RATIO_MIN.get(division)
EVENTS = ["approved_on", "requisitioned_on", "banked_on", "supplied_on", "delivered_on",
          "started_on", "completed_on", "operating_on"]
STAGES = ["approved", "requisitioned", "banked", "supplied", "delivered", "under_construction",
          "completed", "operating"]


def add_years(d: date, years: int) -> date:
    """d + n years the way PostgreSQL's interval arithmetic does it: Feb 29 → Feb 28."""
    try:
        return d.replace(year=d.year + years)
    except ValueError:
        return d.replace(year=d.year + years, day=28)



def expected_stage(p: dict, as_of: date) -> str:
    stage = "planned"
    for event, name in zip(EVENTS, STAGES, strict=True):
        if p.get(event) is not None and p[event] <= as_of:
            stage = name
    return stage


def _ratio(num, den):
    return None if num is None or not den else num / den


def expected_flags(p: dict, projects: list[dict], admitted: list[str] | None,
                   as_of: date) -> set[str]:
    """The flags DESIGN §4.2–4.4 give a plot `p` (raw plots columns incl. area_m2), the
    active (non-negotiating) projects on it ({industry_code, claimed_area_m2}) and its
    zone's admitted industries."""
    flags: set[str] = set()

    def happened(col):
        return p.get(col) is not None and p[col] <= as_of

    # a later event implies the earlier ones (DESIGN §4.1: the stage is the last event)
    reached = expected_stage(p, as_of)
    rank = STAGES.index(reached) if reached in STAGES else -1
    supplied = rank >= STAGES.index("supplied")
    started = rank >= STAGES.index("under_construction")
    # a 限期动工 disposal records the new start deadline: in force until that day, then
    # the plot is idle again; any other disposal is in force from its date
    deadline = p.get("disposal_on") if p.get("disposal") == "deadline" else None
    in_force = (as_of <= deadline) if deadline else happened("disposal_on")
    exempt = p.get("government_cause") is not None
    t0 = p.get("agreed_start_on")
    idle_a = reclaim = False
    if supplied and t0 is not None and not started:
        one, two = add_years(t0, 1), add_years(t0, 2)
        idle_a, reclaim = as_of >= one or (deadline is not None and deadline < as_of), as_of >= two
        if any(0 < (mark - as_of).days <= WARNING_DAYS for mark in (one, two)):
            flags.add("idle_warning")
    idle_b = False
    since = p.get("suspended_since")
    if reached == "under_construction" and since is not None and as_of >= add_years(since, 1):
        developed = _ratio(p.get("developed_area_m2"), p["area_m2"])
        invested = _ratio(p.get("actual_investment"), p.get("planned_investment"))
        idle_b = ((developed is not None and developed < DEVELOPED_SHARE_MIN)
                  or (invested is not None and invested < INVESTMENT_SHARE_MIN))
    idle = idle_a or idle_b
    disposed = in_force and idle
    flags |= {f for f, on in (("idle_a", idle_a), ("idle_b", idle_b), ("idle", idle)) if on}
    if idle and exempt:
        flags.add("government_cause")
    if idle and not exempt and not disposed:
        flags.add("idle_fee_due")
    if reclaim and not exempt and not disposed:
        flags.add("reclaim_due")
    if disposed:
        flags.add("idle_disposed")
    if happened("approved_on") and not supplied:
        flags.add("approved_not_supplied")
    if supplied and not started:
        flags.add("supplied_not_used")

    use = p.get("planned_use") or ""
    area = p["area_m2"]
    industries = sorted({pr["industry_code"][:2] for pr in projects if pr["industry_code"]})
    if (expected_stage(p, as_of) in ("completed", "operating") and use.startswith(LE_USES)
            and low_efficiency_failures(p, [pr["industry_code"] for pr in projects
                                            if pr["industry_code"]])):
        flags.add("low_efficiency")
    if admitted and any(i not in admitted for i in industries):
        flags.add("zoning_conflict")
    if any(not use.startswith(INDUSTRY_USES[pr["industry_code"][:2]]) for pr in projects
           if pr["industry_code"] and pr["industry_code"][:2] in INDUSTRY_USES):
        flags.add("use_conflict")
    claimed = sum(pr["claimed_area_m2"] if pr["claimed_area_m2"] is not None else area
                  for pr in projects)
    if len(projects) >= 2 and claimed > area + 0.01:
        flags.add("double_claim")
    return flags


def low_efficiency_failures(p: dict, industries: list[str]) -> set[str]:
    """The DESIGN §4.3 indicators a completed industrial plot fails (industries: the
    projects' GB/T 4754-2017 codes)."""
    area = p["area_m2"]
    mu = area * 15 / 10_000  # 1 亩 = 10000/15 m²
    failed = set()

    def value(col):
        return p.get(col) or 0.0

    if p.get("actual_investment") is not None and p["actual_investment"] / mu < INTENSITY_MIN:
        failed.add("investment_intensity")
    def given(*cols):  # an indicator with none of its inputs recorded is not assessable
        return any(p.get(c) is not None for c in cols)

    minima = [m for m in map(ratio_minimum, industries) if m is not None]
    if minima and given("floor_area_m2", "high_floor_area_m2"):
        ratio = (value("floor_area_m2") + value("high_floor_area_m2")) / area
        if ratio < max(minima):  # several industries on a plot: the strictest minimum
            failed.add("plot_ratio")
    footprints = ("building_footprint_m2", "structure_footprint_m2", "open_storage_m2")
    cover = sum(value(c) for c in footprints)
    if given(*footprints) and cover / area < COEFFICIENT_MIN:
        failed.add("building_coefficient")
    if p.get("admin_living_area_m2") is not None and p["admin_living_area_m2"] / area \
            > ADMIN_SHARE_MAX:
        failed.add("admin_living_share")
    if p.get("annual_tax") is not None and p["annual_tax"] / mu < TAX_PER_MU_MIN:
        failed.add("tax_per_mu")
    return failed


def load_plot_facts(conn, plot_id: int) -> tuple[dict, list[dict], list[str] | None]:
    """A plot's raw columns, its active projects and its zone's admitted industries."""
    p = conn.execute("SELECT p.*, z.admitted_industries FROM plots p"
                     " LEFT JOIN zones z ON z.id = p.zone_id WHERE p.id = %s",
                     [plot_id]).fetchone()
    projects = conn.execute(
        "SELECT pr.industry_code, pp.claimed_area_m2 FROM project_plots pp"
        " JOIN projects pr ON pr.id = pp.project_id"
        " WHERE pp.plot_id = %s AND pr.stage <> 'negotiating'", [plot_id]).fetchall()
    return p, projects, p["admitted_industries"]


