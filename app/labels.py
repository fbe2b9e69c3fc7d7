"""Human names of the domain's codes, as English message ids for Flask-Babel.

N_ only marks a string for extraction (pybabel -k N_); templates translate at render
time with _(label). Kept free of Flask so domain modules can import it.
"""

from __future__ import annotations


def N_(text: str) -> str:
    """Mark a message id for translation without translating it here."""
    return text


# Plot lifecycle stages in order (DESIGN §4.1); derived from the dated events.
STAGES = {
    "planned": N_("Planned"), "approved": N_("Approved"), "requisitioned": N_("Requisitioned"),
    "banked": N_("Banked"), "supplied": N_("Supplied"), "delivered": N_("Delivered"),
    "under_construction": N_("Construction started"), "completed": N_("Completed"),
    "operating": N_("Operating"),
}

# Fill colours of the plot stages (pale to dark as land gets developed): the map,
# its legend, the plot page and the plan page use this one palette.
STAGE_COLOURS: dict[str, str] = {
    "planned": "#d9d9d9", "approved": "#fff2a8", "requisitioned": "#ffd166",
    "banked": "#f4a259", "supplied": "#9ecae1", "delivered": "#4292c6",
    "under_construction": "#b07cd8", "completed": "#8fd18a", "operating": "#2e9e4f",
}

# Project stages in order (DESIGN §4.7).
PROJECT_STAGES = {
    "negotiating": N_("Negotiating"), "signed": N_("Signed"),
    "land_supplied": N_("Land supplied"), "started": N_("Started"),
    "completed": N_("Completed"), "operating": N_("Operating"),
}

# Construction status of roads and network features.
STATUSES = {"planned": N_("Planned"), "under_construction": N_("Under construction"),
            "in_service": N_("In service")}

UTILITIES = {"water": N_("Water supply"), "drainage": N_("Drainage"), "power": N_("Power"),
             "telecom": N_("Telecom"), "gas": N_("Gas"), "heat": N_("Heat")}

# (plot column, label) of the dated lifecycle events, in legal order
EVENTS = (
    ("approved_on", N_("Approval (conversion/requisition)")),
    ("requisitioned_on", N_("Requisition completed")),
    ("banked_on", N_("Land banked")),
    ("supplied_on", N_("Supply contract")),
    ("agreed_start_on", N_("Agreed start date")),
    ("delivered_on", N_("Land delivered")),
    ("started_on", N_("Start of construction")),
    ("completed_on", N_("Completed")),
    ("operating_on", N_("Production started")),
)

OWNER_TYPES = {"collective": N_("collective"), "state": N_("state")}

# The 界址点成果表's vocabularies (TD/T 1008 勘测定界规程), keys of the park settings
# survey.marker_type, survey.line_category and survey.line_position.
MARKER_TYPES = {"steel_nail": N_("Steel nail"), "concrete_pile": N_("Concrete pile"),
                "lime_pile": N_("Lime pile"), "paint": N_("Painted mark"),
                "porcelain": N_("Porcelain marker"), "none": N_("No marker")}
LINE_CATEGORIES = {"wall": N_("Enclosing wall"), "building_wall": N_("Building wall"),
                   "fence": N_("Railing fence"), "wire_fence": N_("Wire fence"),
                   "drip_line": N_("Eaves drip line"), "kerb": N_("Kerb line"),
                   "two_point": N_("Line between two points")}
LINE_POSITIONS = {"inside": N_("Inner side"), "middle": N_("Centre line"),
                  "outside": N_("Outer side")}
ROLES = {"guest": N_("guest"), "viewer": N_("viewer"), "planner": N_("planner"),
         "admin": N_("admin")}

# Status flags of a plot (DESIGN §4.2–4.4) in the order the map ranks them (most
# severe first for the colours; the rest follow in the API's vocabulary).
FLAGS: dict[str, str] = {
    "reclaim_due": N_("Reclaim due"),
    "idle": N_("Idle land"),
    "idle_a": N_("Idle: not started"),
    "idle_b": N_("Idle: construction suspended"),
    "government_cause": N_("Government cause"),
    "idle_fee_due": N_("Idle fee due"),
    "idle_warning": N_("Soon idle"),
    "idle_disposed": N_("Disposed"),
    "low_efficiency": N_("Low efficiency"),
    "zoning_conflict": N_("Zoning conflict"),
    "use_conflict": N_("Use conflict"),
    "double_claim": N_("Double claim"),
    "approved_not_supplied": N_("Approved, not supplied"),
    "supplied_not_used": N_("Supplied, not used"),
}

# Government causes that exempt an idle plot, and the recorded disposals (§4.2).
GOVERNMENT_CAUSES: dict[str, str] = {
    "late_delivery": N_("Land not delivered on time"),
    "plan_change": N_("Plan changed"),
    "policy_change": N_("Policy changed"),
    "petition": N_("Petitions"),
    "military_heritage": N_("Military or heritage control"),
    "government_action": N_("Other government action"),
    "force_majeure": N_("Force majeure"),
}
DISPOSALS: dict[str, str] = {
    "deadline": N_("Start deadline set"),
    "fee": N_("Idle fee levied"),
    "reclaimed": N_("Reclaimed"),
    "agreement": N_("Agreement"),
    "exchange": N_("Land exchange"),
    "change_use": N_("Use changed"),
}

# States of a utility in the readiness rule (DESIGN §4.5).
READINESS_STATES: dict[str, str] = {
    "available": N_("Available"),
    "planned": N_("Planned"),
    "missing": N_("Missing"),
}

# The seven utilities of 七通一平 with their names, road first.
READINESS_UTILITIES = {"road": N_("Road"), **UTILITIES}

# Requisition plan statuses (DESIGN §4.8) and the land groups of the rate table.
PLAN_STATUSES = {"draft": N_("Draft"), "submitted": N_("Submitted"), "approved": N_("Approved")}
LAND_GROUPS = {"cultivated": N_("Cultivated land"), "agricultural": N_("Other agricultural land"),
               "construction": N_("Construction land"), "unused": N_("Unused land")}
COMPENSATION = {"land": N_("Zone price"), "crops": N_("Young crops"),
                "houses": N_("Attachments (houses)"),
                "social_security": N_("Social security")}

# The low-efficiency indicators of DESIGN §4.3 (details.indicators of a plot's status).
INDICATORS = {"investment_intensity": N_("Investment intensity"), "plot_ratio": N_("Plot ratio"),
              "building_coefficient": N_("Building coefficient"),
              "admin_living_share": N_("Admin and living share"), "tax_per_mu": N_("Tax per mu")}


def local_name(row: dict, lang: str, key: str = "name") -> str | None:
    """A row's name in a page's language: `<key>_en` on English pages when it has one
    (zones and parks carry name_en), else the Chinese `<key>`."""
    return (row.get(f"{key}_en") or row[key]) if lang == "en" else row[key]
