from tests.appointments.conftest import clinic_clock  # noqa: F401 (the same frozen Tuesday morning)
