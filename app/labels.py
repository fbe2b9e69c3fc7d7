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
ROLES = {"viewer": N_("viewer"), "planner": N_("planner"), "admin": N_("admin")}
