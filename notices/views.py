from django.http import Http404
from django.utils.functional import cached_property
from django.views.generic import ListView, TemplateView

from .models import Notice


class NoticeListView(ListView):
    """Patient rights and notices: every notice, in NoticeKind's order."""

    context_object_name = "notices"
    template_name = "notices/notice_list.html"

    def get_queryset(self):
        return sorted(Notice.objects.all(), key=lambda notice: notice.position)


class NoticeDetailView(TemplateView):
    """One notice in its current version (or, at /versions/<number>/, an earlier one), with the
    list of every version published. A kind or version that does not exist is a 404."""

    template_name = "notices/notice_detail.html"

    @cached_property
    def versions(self):
        """The notice's versions, newest first, each knowing its notice: two queries in all."""
        notice = Notice.objects.filter(kind=self.kwargs["kind"]).first()
        versions = list(notice.versions.all()) if notice else []
        if not versions:
            raise Http404("No such notice.")
        for version in versions:
            version.notice = notice
        return versions

    def get_context_data(self, **kwargs):
        current = self.versions[0]
        number = self.kwargs.get("number", current.number)
        version = next((version for version in self.versions if version.number == number), None)
        if version is None:
            raise Http404("No such version of this notice.")
        return super().get_context_data(
            notice=current.notice, version=version, versions=self.versions, current=current, **kwargs
        )
