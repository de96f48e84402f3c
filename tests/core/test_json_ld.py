"""One filter writes every page's structured data; nothing typed in admin can end the element."""

import json
import re

from django.template import engines

SCRIPT = re.compile(r'^<script type="application/ld\+json">(.*)</script>$', re.DOTALL)


def render(data):
    template = engines["django"].from_string("{% load json_ld %}{{ data|json_ld }}")
    return template.render({"data": data})


def test_renders_a_plain_dict_as_one_json_ld_element():
    data = {"@context": "https://schema.org", "@type": "MedicalClinic", "name": "Clínica"}
    (body,) = SCRIPT.match(render(data)).groups()
    assert json.loads(body) == data


def test_markup_in_a_value_cannot_end_the_element_or_open_a_comment():
    data = {"name": "</script><script>alert(1)</script> <!-- & >"}
    html = render(data)
    assert html.count("<") == 2  # the element's own start and end tags
    (body,) = SCRIPT.match(html).groups()
    assert json.loads(body) == data
