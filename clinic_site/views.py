import datetime
import logging

from django.conf import settings
from django.core.cache import cache
from django.db import DatabaseError, connection
from django.db.models import Case, Min, When
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.generic import TemplateView
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult, get_date_max

from articles.models import Article
from locations.models import Location

logger = logging.getLogger(__name__)


class HomeView(TemplateView):
    template_name = "home.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            **kwargs, latest_articles=Article.objects.published()[:3], offices=Location.objects.for_display()
        )


class PrivacyView(TemplateView):
    template_name = "privacy.html"
    extra_context = {"retention_days": settings.APPOINTMENT_RETENTION_DAYS}


def cache_answers():
    try:
        cache.get("healthz")
    except Exception:  # noqa: BLE001 - whatever the backend raises, the cache is not answering
        logger.warning("health check: cache unreachable")
        return False
    return True


@never_cache
def healthz(request):
    """503 when the database is down (nothing works); a cache outage is reported but still 200,
    since pages and requests work without it (slower, and without the rate limit)."""
    cache_state = "ok" if cache_answers() else "unreachable"
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
        waiting = oldest_task_waiting()
        stuck = tasks_stuck_running()
    except DatabaseError:
        logger.warning("health check: database unreachable")
        return JsonResponse({"status": "unavailable", "database": "unreachable", "cache": cache_state}, status=503)
    return JsonResponse(
        {
            "status": "ok",
            "database": "ok",
            "cache": cache_state,
            "oldest_task_waiting_seconds": waiting,
            "tasks_stuck_running": stuck,
        }
    )


def oldest_task_waiting():
    """Seconds the oldest task due to run has waited (0 if none): a stopped worker shows here."""
    # A task queued to run at once carries the far-future sentinel as run_after.
    since = Case(When(run_after=get_date_max(), then="enqueued_at"), default="run_after")
    due = DBTaskResult.objects.ready().aggregate(since=Min(since))["since"]
    return 0 if due is None else max(0, round((timezone.now() - due).total_seconds()))


def tasks_stuck_running():
    """Tasks RUNNING for longer than MAIL_SEND_DEAD_AFTER_SECONDS: their worker died mid-task
    (the mail safety net queues the e-mails again; more than a few means workers keep dying)."""
    dead_after = datetime.timedelta(seconds=settings.MAIL_SEND_DEAD_AFTER_SECONDS)
    return DBTaskResult.objects.filter(
        status=TaskResultStatus.RUNNING, started_at__lt=timezone.now() - dead_after
    ).count()


def robots_txt(request):
    # No line for the admin: robots.txt is public, and a custom ADMIN_URL is meant to stay out
    # of sight. The admin's pages tell crawlers to keep out themselves (robots meta tag).
    sitemap_url = request.build_absolute_uri(reverse("sitemap"))
    lines = ["User-agent: *", "Disallow:", f"Sitemap: {sitemap_url}", ""]
    return HttpResponse("\n".join(lines), content_type="text/plain; charset=utf-8")


def render_error_page(request, template_name, status):
    """Error pages show the offices' phones; the context processor falls back on the last
    copy it read when the database does not answer."""
    response = render(request, template_name, status=status)
    response["Cache-Control"] = "no-store"
    return response


def bad_request(request, exception):
    return render_error_page(request, "400.html", 400)


def page_not_found(request, exception):
    return render_error_page(request, "404.html", 404)


def server_error(request):
    return render_error_page(request, "500.html", 500)


def csrf_failure(request, reason=""):
    return render_error_page(request, "403_csrf.html", 403)


def service_unavailable(request):
    response = render_error_page(request, "503.html", 503)
    response["Retry-After"] = "60"
    return response
