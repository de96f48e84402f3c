"""Small pieces every app of ours may use: which language a translated field is read in, and
how a page writes structured data.

The lowest level of the site: it imports Django and settings only, never an app of ours, and is
not an app itself (no models, no URLs, not in INSTALLED_APPS). So `locations/` and `articles/`
still stand alone when they use it, and `clinic_site/` composes them above it.
"""
