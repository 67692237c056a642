"""What /healthz and /status report about storage and the scheduler."""

from __future__ import annotations

from importlib import metadata
from typing import Any

from telegram.ext import Application

from bot.operations.texts import StatusReport
from bot.services import get_services


async def health(app: Application) -> dict[str, Any]:
    """status "ok", or "unavailable" when storage does not answer (/healthz: 503)."""
    svc = get_services(app)
    problem = await svc.repo.health() if svc.has_storage else "storage is not open"
    scheduler = app.job_queue.scheduler if app.job_queue is not None else None
    return {
        "status": "ok" if problem is None else "unavailable",
        "storage": "ok" if problem is None else problem,
        "backend": svc.repo.db.backend if svc.has_storage else None,
        "scheduler": "running" if scheduler is not None and scheduler.running else "stopped",
        "jobs": len(app.job_queue.jobs()) if app.job_queue is not None else 0,
        "updates": "webhook" if svc.settings.webhook_url else "polling",
        "uptime_seconds": int(svc.uptime().total_seconds()),
    }


NEXT_JOBS = 5


def _version() -> str:
    try:
        return metadata.version("sske-bot")
    except metadata.PackageNotFoundError:
        return "unknown"


async def status_report(app: Application) -> StatusReport:
    """Everything /status shows, gathered now."""
    svc = get_services(app)
    db = svc.repo.db
    problem = await svc.repo.health()
    planned = sorted(
        ((job.name or "", job.data["due"]) for job in (app.job_queue.jobs() if app.job_queue
                                                       else ())
         if isinstance(job.data, dict) and job.data.get("due")),
        key=lambda item: item[1],
    )
    ok = problem is None
    return StatusReport(
        version=_version(),
        uptime=svc.uptime(),
        backend=db.backend,
        where=db.describe(),
        size_bytes=await db.size() if ok else 0,
        schema_version=await svc.repo.schema_version() if ok else 0,
        storage_problem=problem,
        updates="webhook" if svc.settings.webhook_url else "polling",
        people=await svc.repo.operations.people_per_group() if ok else {},
        jobs=planned[:NEXT_JOBS],
        jobs_total=len(planned),
        pending=await svc.repo.operations.pending() if ok else {},
        errors=list(svc.errors.recent),
        without_link=[s.number for s in svc.schedule.without_link()],
    )
