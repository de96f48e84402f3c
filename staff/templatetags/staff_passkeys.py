"""The passkey button on the code step (staff/second_factor.html), for whoever has a passkey."""

from django import template

from ..passkeys import available, passkeys_of

register = template.Library()


@register.inclusion_tag("staff/passkey_sign_in.html", takes_context=True)
def passkey_sign_in(context):
    request = context["request"]
    offered = available() and passkeys_of(request.user).exists()
    return {"request": request, "offered": offered}
