"""How long a packet's answers and photos are kept: PACKET_RETENTION_DAYS after the visit, or
after the front desk marked it "entered into our records", whichever comes first (a packet
whose request never had a visit: after the patient last saved it). Then `purge_packets`
deletes them. The packet's row stays, emptied, with its status and `purged_at`: the request
still shows the packet was complete and the reports still count it, and the access record
keeps one line per purged packet naming the request's reference only.
"""

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from staff.audit import record
from staff.models import AccessRecord

from .models import Packet

PURGED_BY = "purge_packets"


def expired(cutoff):
    """Packets still holding answers or photos whose time ran out before `cutoff`."""
    return Packet.objects.filter(purged_at__isnull=True).filter(
        Q(appointment_request__visit_at__lt=cutoff)
        | Q(entered_at__lt=cutoff)
        | Q(appointment_request__visit_at__isnull=True, updated_at__lt=cutoff)
    )


def purge(packet):
    """Delete the packet's answers, photos (rows now, files once committed: files.py) and the
    signature's address; write the access record's line. One transaction per packet."""
    with transaction.atomic():
        packet = Packet.objects.select_for_update().select_related("appointment_request").get(pk=packet.pk)
        if packet.purged_at:
            return 0
        photos = packet.images.count()
        for image in packet.images.all():
            image.delete()  # each row's post_delete removes its file after the commit
        packet.answers_encrypted = b""
        packet.signed_from = None
        packet.purged_at = timezone.now()
        packet.save(update_fields=["answers_encrypted", "signed_from", "purged_at", "updated_at"])
        record(
            None,
            AccessRecord.Action.PACKET_PURGED,
            [packet.appointment_request.reference],
            f"answers and {photos} photo(s) deleted",
            username=PURGED_BY,
        )
    return 1
