"""The menu bar of every page (templates/base.html): a few menus a park office knows, each
entry a page. An entry shows only to a role its route lets in (the route's own `access`
level), so the menu never offers a page that answers 403; a menu left without entries is
not shown. A new page joins by one `Entry` line here."""

from __future__ import annotations

from dataclasses import dataclass, field

from flask import current_app, request, url_for

from .auth import access_level, request_can
from .labels import N_


@dataclass(frozen=True)
class Entry:
    """A page in a menu. `current` lists the endpoints that make it the current entry
    (one ending in "." is a blueprint-like prefix); `when` the query arguments that must
    match too (the battle map is the map with view=battle); `level` a role the entry needs
    beyond its route's (the battle view is for staff; the rates page, which a viewer may
    read, was only ever offered to planners)."""

    label: str
    endpoint: str
    url_args: dict = field(default_factory=dict)
    current: tuple[str, ...] = ()
    when: dict = field(default_factory=dict)
    level: str | None = None

    def score(self, endpoint: str | None, args) -> int:
        """How well the request matches: 3 endpoint and arguments, 2 the endpoint,
        1 a prefix, 0 not at all."""
        if not endpoint or any(args.get(k) != v for k, v in self.when.items()):
            return 0
        if endpoint in (self.endpoint, *self.current):
            return 3 if self.when else 2
        return int(any(p.endswith(".") and endpoint.startswith(p) for p in self.current))


@dataclass(frozen=True)
class Menu:
    """A top entry: a link when it holds one page, else a dropdown of groups (divided)."""

    key: str
    label: str
    groups: tuple[tuple[Entry, ...], ...]


MENUS = (
    Menu("map", N_("Map"), ((Entry(N_("Map"), "web.index"),),)),
    Menu("projects", N_("Projects"), (
        (Entry(N_("Project list"), "projects.project_list", current=("projects.",)),
         Entry(N_("Board"), "projects.board_page"),
         Entry(N_("Ranking and ten-day reports"), "projects.ranking_page",
               current=("projects.ranking_export",))),
        (Entry(N_("Battle map"), "web.index", url_args={"view": "battle"},
               when={"view": "battle"}, level="viewer"),
         Entry(N_("Lobby screen"), "projects.lobby_page")),
    )),
    Menu("land", N_("Land"), (
        (Entry(N_("Idle land"), "web.idle_page"),
         Entry(N_("Clean-up lists"), "cleanup.page", url_args={"list": "idle"},
               current=("cleanup.",)),
         Entry(N_("Infrastructure priority"), "web.priorities_page"),
         Entry(N_("Land-use efficiency"), "evaluation.evaluation_page",
               current=("evaluation.",))),
        (Entry(N_("Requisition plans"), "web.plans_list", current=("web.plan_page",)),
         Entry(N_("Compensation rates"), "web.rates_page", level="planner")),
        (Entry(N_("Import"), "web.imports_page"),),
    )),
    Menu("dashboard", N_("Dashboard"),
         ((Entry(N_("Dashboard"), "dashboard.page", current=("dashboard.",)),),)),
)


def _allowed(entry: Entry) -> bool:
    if entry.level and not request_can(entry.level):
        return False
    level = access_level(current_app, entry.endpoint)
    return level == "public" or (level is not None and request_can(level))


def navigation() -> list[dict]:
    """The menus this request's role may use, with their URLs and the current entry
    (the best match of the request's endpoint and arguments) marked."""
    entries = [e for m in MENUS for g in m.groups for e in g]
    scores = [e.score(request.endpoint, request.args) for e in entries]
    best = max(scores, default=0)
    current = entries[scores.index(best)] if best else None
    menus = []
    for menu in MENUS:
        groups = [[{"label": e.label, "url": url_for(e.endpoint, **e.url_args),
                    "current": e is current} for e in group if _allowed(e)]
                  for group in menu.groups]
        groups = [g for g in groups if g]
        if groups:
            single = len(menu.groups) == 1 and len(menu.groups[0]) == 1
            menus.append({"key": menu.key, "label": menu.label, "groups": groups,
                          "link": groups[0][0] if single else None,
                          "current": any(i["current"] for g in groups for i in g)})
    return menus


def init_app(app) -> None:
    app.jinja_env.globals["navigation"] = navigation
