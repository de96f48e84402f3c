#!/bin/bash
# Run a management command as the site's services run: user clinic, /srv/clinic, and the
# environment of /etc/clinic/clinic.env (read by systemd itself, exactly as the units read it).
#
#   deploy/manage.sh migrate --no-input
#   deploy/manage.sh createsuperuser
set -euo pipefail
exec systemd-run --quiet --collect --wait --pty \
  --uid=clinic --gid=clinic \
  --working-directory=/srv/clinic \
  --property=EnvironmentFile=/etc/clinic/clinic.env \
  /srv/clinic/.venv/bin/python manage.py "$@"
