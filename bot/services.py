"""What the bot's parts share at run time: settings, schedule, storage, clock, sender, limiter.

One Services per Application, made by bot.app.setup_application() and kept in bot_data.
Nothing here imports handlers or a feature.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable, Coroutine
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from telegram.ext import Application

from bot import jobs
from bot.clock import Clock
from bot.config import Settings
from bot.faults import persist
from bot.i18n import I18n, normalize_language
from bot.limiter import OutboundLimiter
from bot.membership import Member, member
from bot.models import Participant
from bot.operations.rules import ErrorLog
from bot.roles import effective_role
from bot.schedule import Schedule
from bot.sender import Sender
from bot.storage import Repository
from bot.viewer import Viewer

log = logging.getLogger(__name__)

# Each feature that keeps scheduler jobs has a builder; all run at every start (and on
# /reload), so jobs are always rebuilt from schedule.json and the database.
JobBuilder = Callable[[Application], Awaitable[None]]

FALLBACK_ZONE = "UTC"


@dataclass
class Services:
    settings: Settings
    schedule: Schedule
    i18n: I18n
    clock: Clock
    sender: Sender = field(default_factory=Sender)
    job_builders: list[JobBuilder] = field(default_factory=list)
    # schedule.json as read; `schedule` is it with the program changes made from the chat
    # (bot/program), set at start and by every /reload or change.
    base_schedule: Schedule | None = None
    _repo: Repository | None = field(default=None, repr=False)
    _app: Application | None = field(default=None, repr=False)
    status_interval: float = 2.0  # seconds between edits of a live status message
    # Background work (fan-outs started by a handler or a job), by name.
    _tasks: dict[str, asyncio.Task[Any]] = field(default_factory=dict, repr=False)
    _halted: set[str] = field(default_factory=set, repr=False)
    # Errors seen while handling updates (for /status and the organizers' notices).
    errors: ErrorLog = field(default_factory=ErrorLog)
    # Real time, not program time: uptime is about the process.
    started: float = field(default_factory=time.monotonic)
    # Zone labels derived from the schedule, per language: valid for the schedule object they
    # hold (compared by identity, so a /reload or a program change never serves stale ones).
    _place_cache: dict[str, tuple[Schedule, dict[str, str]]] = field(default_factory=dict,
                                                                    repr=False)

    @property
    def app(self) -> Application:
        assert self._app is not None
        return self._app

    @property
    def repo(self) -> Repository:
        if self._repo is None:
            raise RuntimeError("storage is not open: start_services() was not run")
        return self._repo

    @property
    def has_storage(self) -> bool:
        return self._repo is not None

    def uptime(self) -> timedelta:
        return timedelta(seconds=time.monotonic() - self.started)

    @property
    def limiter(self) -> OutboundLimiter:
        """The outbound limiter every Bot API call passes (bot/limiter.py)."""
        limiter = self.app.bot.rate_limiter
        assert isinstance(limiter, OutboundLimiter)
        return limiter

    def is_organizer(self, user_id: int) -> bool:
        return user_id in self.settings.organizer_ids

    # viewers: the one place a person's language and zone are decided

    def viewer_for(self, lang: str | None, zone: str | None,
                   country: str | None = None) -> Viewer:
        """`country` (a program country's code) sets how numbers and dates are written; a
        caller that only knows the zone (a group chat's, a reminder's) gets the country whose
        zones include it, so a Colombian group reads es_CO."""
        lang = lang or self.settings.default_language
        if country is None and zone:
            country = self._zone_countries().get(zone)
        return Viewer(self.i18n.get(lang), lang, zone or FALLBACK_ZONE, self._places(lang),
                      country)

    def viewer(self, person: Participant | None, language_code: str | None = None) -> Viewer:
        """The stored language wins; Telegram's language_code is only the first guess. No
        zone chosen yet: their country's default zone, else UTC."""
        if person is None:
            return self.viewer_for(
                normalize_language(language_code, self.settings.default_language), None
            )
        lang = person.language or normalize_language(
            language_code, self.settings.default_language
        )
        country = self.schedule.country(person.country)
        return self.viewer_for(lang, person.zone or (country.zone if country else None),
                               country.code if country else "")

    def _zone_countries(self) -> dict[str, str]:
        """Each program country's zones -> its code (a zone two countries share: neither)."""
        def build() -> dict[str, str]:
            found: dict[str, set[str]] = {}
            for c in self.schedule.countries:
                for zone in {c.zone, *c.zones}:
                    found.setdefault(zone, set()).add(c.code)
            return {z: next(iter(cs)) for z, cs in found.items() if len(cs) == 1}

        return self._derived("", build)

    def _places(self, lang: str) -> dict[str, str]:
        """The program countries' time labels in this language (schedule.json), for each
        country's default zone; a country's other zones are named by their city."""
        return self._derived(lang, lambda: {c.zone: c.time_label[lang]
                                            for c in self.schedule.countries
                                            if lang in c.time_label})

    def _derived(self, key: str, build: Callable[[], dict[str, str]]) -> dict[str, str]:
        cached = self._place_cache.get(key)
        if cached is None or cached[0] is not self.schedule:
            cached = self._place_cache[key] = (self.schedule, build())
        return cached[1]

    async def member(self, person: Participant) -> Member:
        """Anyone's place in the program (for people other than the one writing)."""
        role = effective_role(person.user_id, person, self.settings.organizer_ids)
        countries = (await self.repo.people.facilitator_countries(person.user_id)
                     if role == "facilitator" else set())
        return member(person, role, countries)

    async def mark_blocked(self, user_id: int) -> None:
        """Someone who blocked the bot (403) is inactive until they come back. The message's
        outcome is known by then, so a storage fault is waited out, never taken for "not
        sent" (which would put them back in the fan-out)."""
        await persist(lambda: self.repo.participants.update(user_id, self.clock.now(), active=0),
                      keep_trying=self.sender.alive, what=f"{user_id} inactive")

    async def install(self, schedule: Schedule) -> None:
        """Swap in a new schedule and rebuild every job from it, all or nothing: on any
        failure the old schedule and the scheduler's jobs as they were stay, and the error
        is raised (/reload never half-applies)."""
        old, saved = self.schedule, jobs.snapshot(self.app)
        self.schedule = schedule
        try:
            for build in self.job_builders:
                await build(self.app)
        except BaseException:
            self.schedule = old
            jobs.restore(self.app, saved)
            raise

    # background work

    def spawn(self, name: str, work: Coroutine[Any, Any, Any]) -> asyncio.Task[Any]:
        """Run work in the background (a fan-out must not hold up the update that started it).

        ptb's Application.stop() waits for it; a second spawn under a running name waits its
        turn behind the first.
        """
        previous = self._tasks.get(name)

        async def run() -> Any:
            if previous is not None and not previous.done():
                await asyncio.gather(previous, return_exceptions=True)
            try:
                return await work
            except Exception:
                log.exception("background work %s failed", name)
                return None

        task = self.app.create_task(run(), name=name)
        self._tasks[name] = task
        task.add_done_callback(lambda t: self._tasks.get(name) is t and self._tasks.pop(name))
        return task

    def running(self, name: str) -> bool:
        task = self._tasks.get(name)
        return task is not None and not task.done()

    def halt(self, name: str) -> None:
        """Ask background work to stop taking new recipients (it checks halted())."""
        self._halted.add(name)

    def halted(self, name: str) -> bool:
        """True once halt(name) was called, or while the bot is stopping."""
        return name in self._halted or not self.app.running

    def resume(self, name: str) -> None:
        self._halted.discard(name)

    def busy(self) -> bool:
        """Background work still running (a fan-out, a notice)."""
        return any(not t.done() for t in self._tasks.values())

    async def join(self) -> None:
        """Wait until all background work has finished (tests, benchmarks, shutdown)."""
        while tasks := [t for t in self._tasks.values() if not t.done()]:
            await asyncio.gather(*tasks, return_exceptions=True)


def get_services(app: Application) -> Services:
    svc: Services = app.bot_data["services"]
    return svc
