import pytest

pytestmark = pytest.mark.django_db


def test_sitemap_lists_both_offices_and_the_list_in_both_languages(client):
    content = client.get("/sitemap.xml").content.decode()
    for path in ["/locations/", "/locations/medical-center-drive/", "/locations/dean-martin/"]:
        assert f"<loc>http://testserver{path}</loc>" in content
        assert f"<loc>http://testserver/es{path}</loc>" in content
        assert f'hreflang="es" href="http://testserver/es{path}"' in content
