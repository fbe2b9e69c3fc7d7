"""The UI strings the page scripts show (map, status pages, plan page), by key.

One vocabulary: the domain's names come from ``app.labels``; the rest are the
page scripts' own texts. Values are English message ids (extracted with N_);
``translated(gettext)`` gives them in the request's language, and the pages pass
them to the JS in their JSON config. Free of Flask and Folium.
"""

from __future__ import annotations

from collections.abc import Callable

from . import labels
from .labels import N_

# Colour classes of the "flags" plot view, most severe first (a plot takes the first
# that applies); idle_disposed is drawn as an outline on top of its class.
FLAG_CLASSES: dict[str, str] = {
    "reclaim_due": N_("Reclaim due"),
    "idle": N_("Idle land"),
    "idle_government": N_("Idle, government cause"),
    "idle_warning": N_("Soon idle"),
    "low_efficiency": N_("Low efficiency"),
    "conflict": N_("Conflict (zoning, use, double claim)"),
    "none": N_("No flag"),
}


# Every string the page scripts show, keyed by a short English key, with the
# English text as message id. The server translates the values (Chinese is the
# default UI language) and passes them in the page config; the JS reads only
# these. ``{name}``-style placeholders are filled in by the JS.
UI_MESSAGES: dict[str, str] = {
    "page.title": N_("Park map"),
    # overlay layers
    "layer.zones": N_("Zones"),
    "layer.plots": N_("Plots"),
    "layer.roads": N_("Roads"),
    "layer.projects": N_("Projects"),
    **{f"layer.network.{code}": text for code, text in labels.UTILITIES.items()},
    **{f"stage.{code}": text for code, text in labels.STAGES.items()},
    **{f"status.{code}": text for code, text in labels.STATUSES.items()},
    # road classes
    "road_class.arterial": N_("Arterial road"),
    "road_class.secondary": N_("Secondary road"),
    "road_class.branch": N_("Branch road"),
    # project stages (DESIGN §4.7)
    **{f"project_stage.{code}": text for code, text in labels.PROJECT_STAGES.items()},
    # popup field labels
    "field.code": N_("Code"),
    "field.name": N_("Name"),
    "field.stage": N_("Stage"),
    "field.area": N_("Area"),
    "field.land_class": N_("Land class"),
    "field.planned_use": N_("Planned use"),
    "field.owner": N_("Owner"),
    "field.land_user": N_("Land user"),
    "field.contract_no": N_("Supply contract no."),
    "popup.edit": N_("Edit"),
    "field.zone": N_("Zone"),
    "field.status": N_("Status"),
    "field.class": N_("Class"),
    "field.width": N_("Width"),
    "field.planned_completion": N_("Planned completion"),
    "field.utility": N_("Utility"),
    "field.subtype": N_("Type"),
    "field.company": N_("Company"),
    "field.industry": N_("Industry"),
    "field.plots": N_("Plots"),
    "field.admitted_industries": N_("Admitted industries"),
    "popup.details": N_("Plot details"),
    # status flags and readiness (DESIGN §4.2–4.5)
    **{f"flag.{code}": text for code, text in labels.FLAGS.items()},
    **{f"flag_class.{code}": text for code, text in FLAG_CLASSES.items()},
    **{f"cause.{code}": text for code, text in labels.GOVERNMENT_CAUSES.items()},
    **{f"disposal.{code}": text for code, text in labels.DISPOSALS.items()},
    **{f"readiness.state.{code}": text for code, text in labels.READINESS_STATES.items()},
    **{f"utility.{code}": text for code, text in labels.READINESS_UTILITIES.items()},
    "popup.status": N_("Status"),
    "popup.no_flags": N_("No status flag."),
    "popup.loading_status": N_("Loading status…"),
    "popup.readiness": N_("Infrastructure readiness"),
    "popup.levelled": N_("Site levelled"),
    "popup.serviced": N_("Serviced land, ready for supply"),
    "popup.not_serviced": N_("Not serviced"),
    "popup.as_of": N_("As of {date}"),
    "readiness.distance": N_("{distance} m away"),
    "readiness.planned_on": N_("planned {date}"),
    "yes": N_("yes"),
    "no": N_("no"),
    # units
    "unit.m2": N_("m²"),
    "unit.mu": N_("mu"),
    "unit.ha": N_("ha"),
    "unit.m": N_("m"),
    # legend and thematic views
    "legend.title": N_("Legend"),
    "legend.view": N_("Colour plots by"),
    "view.stage": N_("Lifecycle stage"),
    "view.flags": N_("Status flags"),
    "view.readiness": N_("Infrastructure readiness"),
    "legend.count": N_("{label} ({count})"),
    "legend.disposed": N_("Idle, disposed (outline)"),
    "legend.not_evaluated": N_("Not evaluated"),
    "legend.serviced": N_("Serviced land"),
    "legend.not_serviced": N_("Not serviced"),
    "legend.raw_land": N_("Raw land"),
    "legend.level": N_("{level} of 8 in place"),
    "legend.highlighted": N_("Plots served by the selected segment"),
    "legend.selected_segment": N_("Selected segment"),
    "legend.networks": N_("Utility networks"),
    "legend.network.planned": N_("Line planned / under construction"),
    "legend.network.point": N_("Facility"),
    # controls
    "search.placeholder": N_("Plot code"),
    "search.button": N_("Search"),
    "search.not_found": N_("No plot found with code “{code}”."),
    "search.searching": N_("Searching…"),
    "control.zoom_park": N_("Zoom to park"),
    "control.fullscreen": N_("Full screen"),
    "control.fullscreen_exit": N_("Exit full screen"),
    "measure.start": N_("Measure distances and areas"),
    "measure.stop": N_("Stop measuring"),
    "measure.clear": N_("Clear measurements"),
    "measure.finish": N_("Click to finish the line"),
    "measure.delete": N_("Shift-click to delete a point"),
    "measure.move": N_("Drag to move a point"),
    "measure.resume": N_("Ctrl-click to continue the line"),
    "measure.add": N_("Ctrl-click to add a point"),
    "measure.metres": N_("m"),
    "measure.kilometres": N_("km"),
    "measure.length": N_("Length: {m} m"),
    "measure.area": N_("Area enclosed (closing the line): {m2} m² · {mu} mu · {ha} ha"),
    "measure.hint": N_("Click points on the map; three or more also give the area they "
                       "enclose."),
    "basemap.none": N_("No basemap"),
    "basemap.osm": N_("OpenStreetMap"),
    "basemap.tianditu": N_("Tianditu"),
    "basemap.gaode": N_("Gaode (GCJ-02)"),
    "basemap.gcj_note": N_("Overlays are shifted to GCJ-02 to match the Gaode basemap."),
    # loading and errors
    "loading": N_("Loading map data…"),
    "loading.progress": N_("Loading map data… ({done}/{total})"),
    "error.load": N_("Could not load {layer}: {message}"),
    "error.network": N_("Network error"),
    "error.http": N_("HTTP error {status}"),
    "error.dismiss": N_("Close"),
    "error.plot_not_found": N_("No plot with id {id}."),
    # idle land page (/idle)
    "idle.title": N_("Idle land"),
    "idle.col.code": N_("Plot"),
    "idle.col.zone": N_("Zone"),
    "idle.col.owner": N_("Owner"),
    "idle.col.land_user": N_("Land user"),
    "idle.col.area_mu": N_("Area (mu)"),
    "idle.col.agreed_start_on": N_("Agreed start"),
    "idle.col.mark_1y": N_("1-year mark"),
    "idle.col.mark_2y": N_("2-year mark"),
    "idle.col.days_left": N_("Days left"),
    "idle.col.flags": N_("Flags"),
    "idle.col.cause": N_("Cause / disposal"),
    "idle.col.projects": N_("Projects"),
    "idle.col.map": N_("Map"),
    "idle.map_link": N_("map"),
    "idle.overdue": N_("{days} days overdue"),
    "idle.empty": N_("No idle or soon-idle plot on this date."),
    "idle.count": N_("{count} plots, {area} mu, as of {date}"),
    "idle.government_cause": N_("Government cause: {cause}"),
    "idle.disposed": N_("{disposal} ({date})"),
    # infrastructure priority page (/priorities)
    "priority.title": N_("Infrastructure priority"),
    "priority.col.rank": N_("Rank"),
    "priority.col.utility": N_("Type"),
    "priority.col.name": N_("Name"),
    "priority.col.status": N_("Status"),
    "priority.col.planned_completion": N_("Planned completion"),
    "priority.col.plots_gained": N_("Plots gained"),
    "priority.col.area_mu_gained": N_("Mu gained"),
    "priority.col.newly_serviced": N_("Newly serviced"),
    "priority.col.newly_serviced_mu": N_("Mu newly serviced"),
    "priority.empty": N_("No planned road or network segment."),
    "priority.count": N_("{count} planned segments, as of {date}"),
    "priority.layer": N_("Planned segments"),
    "priority.selected": N_("{name}: {count} plots, {area} mu would gain {utility}"),
    "as_of": N_("As of"),
    "as_of.apply": N_("Show"),
    "asof.hint": N_("The plots' status and readiness on this date; empty: today"),
    # requisition plan page (/plans/<id>: static/js/parkatlas-plan.js)
    "plan.layer": N_("Plan plots (red line)"),
    "plan.legendTitle": N_("Requisition plan"),
    "plan.pickedLegend": N_("Picked plots"),
    "plan.picked": N_("{n} picked"),
    "plan.inPlan": N_("in the plan"),
    "plan.notInPlan": N_("not in the plan"),
    "plan.error": N_("The change was refused:"),
    "plan.confirmDelete": N_("Delete this plan? This cannot be undone."),
    "plan.drawPolygon": N_("Draw a polygon to add plots"),
    "plan.drawCancel": N_("Cancel"),
    "plan.drawCancelTitle": N_("Cancel drawing"),
    "plan.drawFinish": N_("Finish"),
    "plan.drawFinishTitle": N_("Finish drawing"),
    "plan.drawUndo": N_("Delete last point"),
    "plan.drawUndoTitle": N_("Delete the last point drawn"),
    "plan.drawStart": N_("Click to start drawing the polygon."),
    "plan.drawCont": N_("Click to continue drawing the polygon."),
    "plan.drawEnd": N_("Click the first point to close the polygon."),
    "plan.drawCrossing": N_("The edges of the polygon must not cross."),
    # the plot form, its conflict panel and the history (static/js/parkatlas-plot.js)
    "form.order": N_("{later} ({later_on}) is earlier than {earlier} ({earlier_on}): the "
                     "lifecycle events must be in order"),
    "form.agreed_needs_supply": N_("An agreed start date needs a supply contract date."),
    "form.agreed_before_supply": N_("The agreed start date is earlier than the supply "
                                    "contract date ({date})."),
    "form.state_requisition": N_("State-owned land is not requisitioned: clear this date."),
    "form.not_number": N_("Enter a number of 0 or more."),
    "form.fix": N_("Correct the marked fields; nothing was saved."),
    "form.refused": N_("The server refused the change; nothing was saved:"),
    "form.no_change": N_("Nothing has changed."),
    "form.saving": N_("Saving …"),
    "form.version": N_("version {version}"),
    "conflict.title": N_("Someone else changed this plot while you were editing it"),
    "conflict.intro": N_("{user} saved version {version} at {at}. Nothing of yours was "
                         "saved. What they changed, and what you changed:"),
    "conflict.field": N_("Field"),
    "conflict.base": N_("When you started"),
    "conflict.theirs": N_("Their value (now)"),
    "conflict.yours": N_("Your value"),
    "conflict.choice": N_("Keep"),
    "conflict.keep_mine": N_("mine"),
    "conflict.keep_theirs": N_("theirs"),
    "conflict.both": N_("You both changed this field: choose which value to keep."),
    "conflict.geometry": N_("Outline"),
    "conflict.geometry_changed": N_("changed on the map"),
    "conflict.reapply": N_("Re-apply my changes on top of the current version"),
    "conflict.discard": N_("Discard my changes and reload"),
    "conflict.choose": N_("Choose mine or theirs for every field you both changed."),
    "conflict.reapplied": N_("Your changes are re-applied on version {version}. Check the "
                             "form and save again."),
    "history.confirm": N_("Restore plot {code} to version {version}? The restore is saved as "
                          "a new version; the history keeps every version."),
    "history.refused": N_("The restore was refused:"),
}

# Geometry editing on the map (app/static/js/map/editing.js; planners and admins).
UI_MESSAGES.update({
    "edit.tools": N_("Editing tools"),
    "edit.draw": N_("Draw"),
    "edit.draw.title": N_("Draw a new plot (snaps to the neighbouring plots)"),
    "edit.draw.hint": N_("Click the corners of the new plot on the map; click the first "
                         "corner again to close it."),
    "edit.draw.form": N_("New plot"),
    "edit.draw.done": N_("Plot {code} was saved."),
    "edit.reshape": N_("Reshape"),
    "edit.reshape.title": N_("Move, add or remove the corners of a plot"),
    "edit.reshape.hint": N_("Click the plot to reshape."),
    "edit.reshape.editing": N_("Drag the corners of plot {code}, then save."),
    "edit.reshape.done": N_("The new shape of plot {code} was saved."),
    "edit.split": N_("Split"),
    "edit.split.title": N_("Split a plot in two or more with a line"),
    "edit.split.hint": N_("Click the plot to split."),
    "edit.split.line": N_("Draw a line across plot {code}, starting and ending outside it; "
                          "click the last point again to finish."),
    "edit.split.form": N_("Plot {code} is cut into these pieces: check their codes, then save."),
    "edit.split.sum": N_("Together {sum} m², the plot {parent} m²."),
    "edit.split.done": N_("Plot {code} was split into:"),
    "edit.merge": N_("Merge"),
    "edit.merge.title": N_("Merge adjacent plots into one"),
    "edit.merge.hint": N_("Click the adjacent plots to merge (at least two); the first one "
                          "gives its attributes."),
    "edit.merge.done": N_("The plots were merged into {code}."),
    "edit.delete": N_("Delete"),
    "edit.delete.title": N_("Delete a plot (administrators; a reason is required)"),
    "edit.delete.hint": N_("Click the plot to delete."),
    "edit.delete.form": N_("Delete plot {code}? It stays readable in the lineage."),
    "edit.delete.confirm": N_("Delete the plot"),
    "edit.delete.done": N_("Plot {code} was deleted."),
    "edit.reason": N_("Reason"),
    "edit.code": N_("Code"),
    "edit.name": N_("Name"),
    "edit.zone": N_("Zone"),
    "edit.land_class": N_("Land class (GB/T 21010 code)"),
    "edit.planned_use": N_("Planned use (code)"),
    "edit.area": N_("{m2} m² ({mu} mu)"),
    "edit.overlaps": N_("This shape overlaps other plots:"),
    "edit.overlap": N_("{code}: {m2} m²"),
    "edit.clip": N_("Clip to neighbours"),
    "edit.clipped": N_("Clipped to the neighbouring plots: check the shape, then save."),
    "edit.save": N_("Save"),
    "edit.cancel": N_("Cancel"),
})


# The board (看板), the lobby screen (日日播) and the battle-map view (挂图作战), issue 12.
UI_MESSAGES.update({
    **{f"board.stage.{code}": text for code, text in labels.PROJECT_STAGES.items()},
    "board.flag.red": N_("Red flag"),
    "board.flag.black": N_("Black flag"),
    "board.flag.none": N_("No project"),
    "board.on_schedule": N_("On schedule"),
    "board.days_behind": N_("{days} days behind"),
    "board.progress": N_("Progress {pct}%"),
    "board.no_progress": N_("No progress report"),
    "board.investment": N_("Investment {done} / {planned} (10k yuan)"),
    "board.leader": N_("Leader: {name}"),
    "board.empty": N_("No project"),
    "board.move.saving": N_("Saving…"),
    "board.move.conflict": N_("Saved meanwhile by {user} at {at}: stage {stage}, version "
                              "{version}. Reload the board and move it again."),
    "board.move.milestone": N_("The {stage} milestone now: planned {planned}, actual "
                               "{actual}, version {version}."),
    "lobby.updated": N_("Updated {time}"),
    "lobby.offline": N_("The server cannot be reached: showing the data of {time}"),
    "lobby.slide.board": N_("Board"),
    "lobby.slide.ranking": N_("Ranking"),
    "lobby.slide.map": N_("Battle map"),
    "view.battle": N_("Battle map: projects by flag"),
    "battle.open": N_("Open the project page"),
})

def translated(translate: Callable[[str], str]) -> dict[str, str]:
    """UI_MESSAGES with every text passed through ``translate`` (e.g. gettext)."""
    return {key: translate(text) for key, text in UI_MESSAGES.items()}
