"""Scheduler jobs are derived state: rebuilt at every start from schedule.json and the database.

Job times are program times from the injected clock. APScheduler runs on the real clock, so a job
due at program time T is scheduled (T - clock.now()) from now: identical in production, and in
tests (where the clock is fake) jobs never fire on their own; tests move the clock and call
fire_due(), which runs the due jobs through the real JobQueue (Job.run).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Coroutine
from datetime import datetime, timedelta
from typing import Any

from telegram.ext import Application, CallbackContext

from bot.clock import Clock

log = logging.getLogger(__name__)

# Job runs in progress, so fire_due() can wait for one APScheduler started by itself.
_running: set[asyncio.Task[None]] = set()

JobCallback = Callable[[Any], Coroutine[Any, Any, None]]  # takes the bot's context


def schedule_at(
    app: Application,
    clock: Clock,
    *,
    name: str,
    due: datetime,
    callback: JobCallback,
    grace: timedelta,
    data: dict[str, Any] | None = None,
) -> None:
    """One job with a deterministic id: scheduling it again replaces it, never duplicates it.

    misfire_grace_time is set deliberately (APScheduler's default is 1 s): a job that could not
    run on time (busy loop, suspended host) still runs if it is at most `grace` late.
    """
    assert app.job_queue is not None, "install python-telegram-bot[job-queue]"
    delay = max((due - clock.now()).total_seconds(), 0.0)

    async def tracked(context: Any) -> None:
        if not context.application.running:
            # Fell due while the bot is stopping: not started, so not cut off half-way; the
            # job is rebuilt at the next start (and its catch-up rules apply).
            log.info("job %s not started: the bot is stopping", name)
            return
        task = asyncio.current_task()
        if task is not None:
            _running.add(task)
        try:
            await callback(context)
        finally:
            if task is not None:
                _running.discard(task)

    app.job_queue.run_once(
        tracked,
        when=delay,
        name=name,
        data={"due": due, **(data or {})},
        job_kwargs={
            "id": name,
            "replace_existing": True,
            "misfire_grace_time": max(int(grace.total_seconds()), 1),
        },
    )


def cancel(app: Application, prefix: str) -> None:
    """Drop every job whose name starts with prefix (before a rebuild)."""
    assert app.job_queue is not None
    for job in app.job_queue.jobs():
        if job.name and job.name.startswith(prefix):
            job.schedule_removal()


def due_at(context: CallbackContext[Any, Any, Any, Any]) -> datetime:
    assert context.job is not None and isinstance(context.job.data, dict)
    due: datetime = context.job.data["due"]
    return due


async def fire_due(app: Application, clock: Clock) -> list[str]:
    """Run, in due order, every pending job whose program time has come (tests, console)."""
    assert app.job_queue is not None
    await asyncio.sleep(0.05)  # let APScheduler dispatch what is due on the real clock
    ready = [
        job
        for job in app.job_queue.jobs()
        if isinstance(job.data, dict) and job.data.get("due") and job.data["due"] <= clock.now()
    ]
    ready.sort(key=lambda job: job.data["due"])  # type: ignore[index]
    names = []
    for job in ready:
        job.schedule_removal()
        await job.run(app)
        names.append(job.name or "")
    while _running:  # runs APScheduler started on its own (catch-up at start)
        await asyncio.gather(*list(_running), return_exceptions=True)
    return names


def snapshot(app: Application) -> list[Any]:
    """The scheduler's jobs as they are (APScheduler jobs), to put back with restore()."""
    assert app.job_queue is not None
    return list(app.job_queue.scheduler.get_jobs())


def restore(app: Application, saved: list[Any]) -> None:
    """Put the scheduler's jobs back exactly as they were in `saved` (after a failed rebuild:
    the jobs it made go, the ones it cancelled come back)."""
    assert app.job_queue is not None
    scheduler = app.job_queue.scheduler
    keep = {job.id for job in saved}
    for job in scheduler.get_jobs():
        if job.id not in keep:
            job.remove()
    for job in saved:
        scheduler.add_job(
            job.func, trigger=job.trigger, args=job.args, kwargs=job.kwargs, id=job.id,
            name=job.name, misfire_grace_time=job.misfire_grace_time, coalesce=job.coalesce,
            max_instances=job.max_instances, next_run_time=job.next_run_time,
            replace_existing=True,
        )
        ptb_job = job.args[1] if len(job.args) > 1 else None
        if ptb_job is not None and hasattr(ptb_job, "_removed"):
            ptb_job._removed = False  # schedule_removal() marked it; it is back
