from django.conf import settings

from core.purge import PurgeCommand
from packets import retention


class Command(PurgeCommand):
    help = (
        "Delete the answers and photos of pre-visit packets PACKET_RETENTION_DAYS days after the visit "
        "or after they were entered into the practice's records, whichever comes first. Run it daily."
    )
    description = "packet(s) whose visit or entry into our records is more than {days} days ago"

    def retention_days(self):
        return settings.PACKET_RETENTION_DAYS

    def expired(self, cutoff):
        return retention.expired(cutoff)

    def delete(self, rows):
        return sum(retention.purge(packet) for packet in rows.only("pk"))
